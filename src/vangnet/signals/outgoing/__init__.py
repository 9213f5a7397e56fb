"""Vroegsignalering, creditor side: the evidenced gate, routing, delivery, feedback."""
