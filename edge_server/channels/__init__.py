"""Customer-facing channels: one adapter per channel behind the interactions service's channel API."""
