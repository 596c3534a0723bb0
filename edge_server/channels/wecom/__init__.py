"""WeCom customer service (微信客服, kf): encrypted callback → sync_msg pull with a durable cursor → send_msg."""
