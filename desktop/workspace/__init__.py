"""Where the agent works on interactions (voice, chat, email, messaging, work orders)."""
