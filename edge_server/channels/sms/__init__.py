"""SMS channel: Aliyun Dysmsapi, Tencent Cloud SMS and a generic Twilio-style HTTP gateway (channels.md §6)."""
