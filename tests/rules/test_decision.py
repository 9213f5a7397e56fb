"""Decision: stable codes, both languages, combine keeps every reason."""

from __future__ import annotations

import pytest

from vangnet.rules.decision import Decision, allow, block, combine


def test_allow_and_block_carry_code_texts_and_evidence():
    d = block("quiet_hours", "Niet nu.", "Not now.", hour=22)
    assert d.blocked and not d.allowed
    assert d.evidence["hour"] == 22
    assert allow("ok", "Goed.", "Fine.").allowed


@pytest.mark.parametrize("code", ["Quiet", "quiet-hours", "", "1abc", "a__b", "_a"])
def test_codes_must_be_snake_case(code):
    with pytest.raises(ValueError):
        Decision(True, code, "x", "x")


def test_texts_required():
    with pytest.raises(ValueError):
        allow("ok", " ", "Fine.")
    with pytest.raises(ValueError):
        allow("ok", "Goed.", "")


def test_evidence_is_read_only():
    d = allow("ok", "Goed.", "Fine.", n=1)
    with pytest.raises(TypeError):
        d.evidence["n"] = 2  # type: ignore[index]


def test_combine_first_block_wins_and_keeps_all_reasons():
    a = allow("a_ok", "a", "a")
    b = block("b_blocked", "b", "b", x=1)
    c = block("c_blocked", "c", "c")
    d = combine([a, b, c], code="all_ok", nl="ok", en="ok")
    assert d.blocked and d.code == "b_blocked" and d.evidence["x"] == 1
    assert d.reasons == (a, b, c)
    assert d.blocking_codes() == ("b_blocked", "c_blocked")
    assert d.codes() == ("b_blocked", "a_ok", "c_blocked")


def test_combine_all_allowed_uses_given_code():
    d = combine([allow("a_ok", "a", "a")], code="all_ok", nl="ok", en="ok", n=2)
    assert d.allowed and d.code == "all_ok" and d.evidence["n"] == 2
    assert combine([], code="empty_ok", nl="ok", en="ok").allowed
