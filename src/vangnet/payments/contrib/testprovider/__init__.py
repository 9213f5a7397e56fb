"""The built-in test provider: pays nothing, but takes the same path as Mollie."""
