"""Supervisor tools: the live agent board (later: wallboard, monitor/whisper/barge)."""
