"""Payment links and webhooks behind a provider interface (Mollie, test provider)."""
