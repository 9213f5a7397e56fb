"""A contact number the municipality would refuse is left out, not sent (it would cost
the whole signal a 400)."""

from __future__ import annotations

from vangnet.signals.outgoing.wire import _usable_phone


def test_valid_numbers_are_sent_in_e164():
    assert _usable_phone("06 12345678") == "+31612345678"
    assert _usable_phone("+31 20 123 4567") == "+31201234567"


def test_unusable_numbers_are_left_out():
    assert _usable_phone("+31600000001") == ""
    assert _usable_phone("bel maar") == ""
    assert _usable_phone("") == ""
