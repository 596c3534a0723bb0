"""Switchboard edge server: the on-premises hub that owns routing and interaction state."""
