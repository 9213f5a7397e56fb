"""Messaging: the outbox, delivery workers and channel adapters."""
