"""The SIP softphone (pjsua2) and audio devices of the agent desktop."""
