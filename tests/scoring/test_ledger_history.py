"""Monthly history and outcomes from the ledger, checked on hand-made accounts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.scoring import helpers as h
from vangnet.ledger.constants import InvoiceKind
from vangnet.scoring.history import history_from_ledger, outcomes_from_ledger
from vangnet.scoring.ledger_history import ledger_monthly, outcome_date

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 20)
H1 = [(2025, m) for m in range(1, 7)]


@pytest.fixture
def ledger(organisation):
    a = h.account(organisation)  # paid Jan-Mar, then stopped
    h.monthly_bills(a, 3000, H1)
    for m in (1, 2, 3):
        h.payment(a, 3000, date(2025, m, 10))
    h.invoice(a, 3000, date(2025, 6, 25), date(2025, 7, 15))  # after as_of: unseen

    b = h.account(organisation)  # always pays; May's payment is reversed in June
    h.monthly_bills(b, 3000, H1)
    for m in range(1, 7):
        h.payment(b, 3000, date(2025, m, 10), reversed_on=date(2025, 6, 5) if m == 5 else None)

    c = h.account(organisation)  # credit note and payment settle January's bill in February
    h.invoice(c, 3000, date(2025, 1, 1), date(2025, 1, 15))
    h.invoice(c, 1000, date(2025, 2, 1), date(2025, 2, 1), kind=InvoiceKind.CREDIT_NOTE)
    h.payment(c, 2000, date(2025, 2, 20))

    d = h.account(organisation)  # nothing at all

    e = h.account(organisation)  # an old unpaid bill from before the window
    h.invoice(e, 10000, date(2023, 4, 1), date(2023, 5, 1))
    return {"a": a.pk, "b": b.pk, "c": c.pk, "d": d.pk, "e": e.pk}


def _by_id(hist):
    return {acc: i for i, acc in enumerate(hist.account_ids)}


def test_billed_paid_and_months_in_arrears(organisation, ledger):
    hist = ledger_monthly(organisation_id=organisation.pk, as_of=AS_OF, months=12)
    i = _by_id(hist)
    a, b, c, d, e = (i[ledger[k]] for k in "abcde")
    # Window 2024-07 … 2025-06; the last six columns are January … June.
    assert hist.billed[a, -6:].tolist() == [3000] * 6
    assert hist.paid[a, -6:].tolist() == [3000, 3000, 3000, 0, 0, 0]
    assert hist.months_in_arrears[a, -6:].tolist() == [0, 0, 0, 1, 2, 3]
    assert hist.active[a].tolist() == [False] * 6 + [True] * 6

    assert hist.paid[b, -2:].tolist() == [3000, 0]  # June: 3000 booked - 3000 reversed
    assert hist.months_in_arrears[b, -2:].tolist() == [0, 1]

    assert hist.billed[c, -6:-4].tolist() == [3000, -1000]
    assert hist.months_in_arrears[c, -6:].tolist() == [1, 0, 0, 0, 0, 0]

    assert not hist.active[d].any() and hist.billed[d].sum() == 0

    assert hist.active[e].all()
    assert hist.months_in_arrears[e].tolist() == list(range(1, 13))


def test_nothing_after_as_of_is_read(organisation, ledger):
    hist = ledger_monthly(
        organisation_id=organisation.pk, account_ids=[ledger["b"]], as_of=date(2025, 5, 31)
    )
    assert hist.paid[0, -1] == 3000  # the reversal of 5 June is not known yet
    assert hist.months_in_arrears[0, -1] == 0


def test_interchange_rows_and_outcomes(organisation, ledger):
    rows = history_from_ledger(organisation.pk, [ledger["a"]], as_of=AS_OF)
    assert [r.period for r in rows] == [f"2025-0{m}" for m in range(1, 7)]
    assert rows[-1].months_in_arrears == 3 and rows[-1].account_id == str(ledger["a"])

    assert outcome_date(AS_OF) == date(2025, 7, 31)
    outcomes = {
        int(o.account_id): o.in_arrears_next
        for o in outcomes_from_ledger(organisation.pk, list(ledger.values()), as_of=AS_OF)
    }
    # A never pays and its July bill falls due: in arrears; B's June gap stays open.
    assert outcomes == {
        ledger["a"]: True,
        ledger["b"]: True,
        ledger["c"]: False,
        ledger["d"]: False,
        ledger["e"]: True,
    }


def test_other_organisations_are_not_mixed_in(organisation, ledger, django_user_model):
    from vangnet.parties.models import Organisation

    other = Organisation.objects.create(name="Ander", slug="ander")
    x = h.account(other)
    h.invoice(x, 9999, date(2025, 1, 1), date(2025, 1, 2))
    hist = ledger_monthly(organisation_id=organisation.pk, account_ids=[x.pk], as_of=AS_OF)
    assert hist.billed.sum() == 0


def test_chunks_give_the_same_result(organisation, ledger):
    whole = ledger_monthly(organisation_id=organisation.pk, as_of=AS_OF)
    chunked = ledger_monthly(organisation_id=organisation.pk, as_of=AS_OF, chunk_size=2)
    assert whole.account_ids == chunked.account_ids
    assert (whole.months_in_arrears == chunked.months_in_arrears).all()
    assert (whole.paid == chunked.paid).all() and (whole.billed == chunked.billed).all()
