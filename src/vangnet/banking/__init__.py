"""Bank statements (CAMT.053, MT940), reconciliation and the unmatched-entry queue."""
