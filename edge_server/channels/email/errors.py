"""Errors of the email channel, raised at its borders (config, IMAP)."""
from __future__ import annotations


class EmailConfigError(ValueError):
    """A ``[[channels.email]]`` table is wrong; the message names the key."""


class ImapError(Exception):
    """The IMAP server refused or dropped us; the receive loop reconnects with backoff."""
