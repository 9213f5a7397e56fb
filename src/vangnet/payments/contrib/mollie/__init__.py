"""Mollie (Payments API v2, iDEAL) behind the provider interface, and a local sandbox."""
