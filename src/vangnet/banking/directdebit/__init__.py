"""SEPA direct debit: mandates, flexible collection days, pain.008, returned debits."""
