"""Daily operations: every idempotent batch step of a day, in the order that is correct."""
