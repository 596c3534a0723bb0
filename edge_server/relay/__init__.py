"""The cloud relay (``main.py relay``) and the edge's link to it.

Relay side: ``server.RelayServer`` = ``log.RelayLog`` (durable, de-duplicating) + ``hooks.WebhookHost``
(platform pushes, acknowledged after fdatasync) + ``feed.EdgeFeed`` (CURVE ROUTER streaming the log).
Edge side: ``link.RelayLink`` (DEALER dialling out, storing through the ChannelInbox, acking by seq).
"""
