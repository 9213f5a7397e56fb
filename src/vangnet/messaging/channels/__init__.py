"""Channel adapters (SMS, WhatsApp, letters, tasks), print batches, inbound replies."""
