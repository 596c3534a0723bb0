"""Interactions across channels, customers and their identities, canned responses."""
