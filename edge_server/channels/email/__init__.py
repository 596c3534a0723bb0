"""The email channel: a support mailbox read over IMAP (IDLE or polling) and answered over SMTP.

``adapter.from_config(table, data_dir)`` builds one ``EmailAdapter`` per ``[[channels.email]]`` table.
Parsing (``parse.py``), loop/bounce detection (``loops.py``, ``bounces.py``), threading (``threads.py``)
and composing (``compose.py``) are pure functions; ``receiver.py`` and ``sender.py`` hold the I/O.
"""
