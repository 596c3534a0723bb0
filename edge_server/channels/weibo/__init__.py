"""Weibo private messages through the fans-service platform's developer mode (channels.md §3)."""
