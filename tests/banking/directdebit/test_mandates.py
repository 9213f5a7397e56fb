"""Mandates: signing, collection-day choice, replacement, revocation, lapse, events."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

import pytest

from tests.banking.directdebit.conftest import TODAY, invoice_for, open_case, sign
from tests.ledger.factories import make_account
from vangnet.banking.directdebit.constants import CollectionStatus, MandateStatus
from vangnet.banking.directdebit.models import Collection, DirectDebitProfile, Mandate
from vangnet.banking.directdebit.services import (
    collection_schedule,
    mandate_change_day,
    mandate_revoke,
    mandate_sign,
    mandates_lapse,
)
from vangnet.core.errors import Invalid
from vangnet.core.models import AuditEvent
from vangnet.strategy.models import CaseEvent


def test_sign_stores_a_valid_mandate_with_derived_bic(profile, account):
    m = sign(account, day=8, iban="nl91 abna 0417 1643 00", name="Ĳsbrand & Zn")
    assert (m.iban, m.bic, m.collection_day) == ("NL91ABNA0417164300", "ABNANL2A", 8)
    assert m.debtor_name == "IJsbrand + Zn"
    assert m.status == MandateStatus.ACTIVE and m.sequence_type == "FRST"
    account.refresh_from_db()
    assert account.sepa_mandate_reference == m.reference
    # No case open: the signing is in the audit log.
    assert AuditEvent.objects.filter(action="directdebit_mandate_signed").count() == 1


def test_sign_writes_to_the_open_case(profile, account):
    case = open_case(account)
    sign(account)
    event = CaseEvent.objects.get(case=case, cause="mandate_signed")
    assert "NL…4300" in event.text and event.details["collection_day"] == 15


def test_wrong_iban_is_refused_with_a_dutch_message(profile, account):
    with pytest.raises(Invalid) as exc:
        sign(account, iban="NL91ABNA0417164301")
    assert "geen geldig IBAN" in exc.value.nl
    assert not Mandate.objects.exists()


@pytest.mark.parametrize("day", [2, 29, 0])
def test_collection_day_must_be_one_of_the_creditors_days(profile, account, day):
    with pytest.raises(Invalid) as exc:
        sign(account, day=day)
    assert exc.value.nl == "Kies een incassodag uit: 1, 8, 15, 22."


def test_other_creditor_days_are_configurable(profile, account):
    profile.collection_days = [5, 25]
    profile.save()
    assert sign(account, day=25).collection_day == 25
    with pytest.raises(Invalid):
        sign(make_account(profile.organisation), day=15)


def test_sign_without_profile_says_what_to_configure(organisation, account):
    with pytest.raises(Invalid) as exc:
        sign(account)
    assert exc.value.code == "directdebit_not_configured"


def test_a_new_mandate_replaces_the_active_one(profile, account):
    first = sign(account)
    second = sign(account, iban="NL69INGB0123456789")
    first.refresh_from_db()
    assert first.status == MandateStatus.REVOKED and second.status == MandateStatus.ACTIVE
    assert first.reference != second.reference
    assert Mandate.objects.filter(account=account, status="active").count() == 1


def test_duplicate_reference_is_refused(profile, account):
    sign_ref = mandate_sign(
        account=account,
        iban="NL91ABNA0417164300",
        holder_name="A",
        collection_day=1,
        signed_on=TODAY,
        channel="paper",
        reference="WBV-MND-1",
    )
    other = make_account(profile.organisation)
    with pytest.raises(Invalid) as exc:
        mandate_sign(
            account=other,
            iban="NL91ABNA0417164300",
            holder_name="B",
            collection_day=1,
            signed_on=TODAY,
            channel="paper",
            reference=sign_ref.reference,
        )
    assert exc.value.code == "mandate_reference_taken"


def test_revoke_cancels_scheduled_collections_and_clears_the_account(mandate, account):
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="F1",
        remittance="Factuur F1",
        earliest=TODAY,
        today=TODAY,
    )
    mandate_revoke(mandate=mandate, on=TODAY, reason="klant betaalt zelf")
    mandate.refresh_from_db()
    c.refresh_from_db()
    account.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED and mandate.revoked_on == TODAY
    assert c.status == CollectionStatus.CANCELLED
    assert account.sepa_mandate_reference == ""
    with pytest.raises(Invalid):
        collection_schedule(
            mandate=mandate,
            amount_cents=100,
            reference="F2",
            remittance="x",
            earliest=TODAY,
            today=TODAY,
        )


def test_change_day_moves_unsent_collections_and_asks_for_a_new_prenotification(mandate, account):
    case = open_case(account)
    c = collection_schedule(
        mandate=mandate,
        amount_cents=2350,
        reference="F1",
        remittance="Factuur F1",
        earliest=TODAY,
        today=TODAY,
    )
    assert c.collection_date == date(2026, 11, 16)  # 15 Nov 2026 is a Sunday
    mandate_change_day(mandate=mandate, collection_day=22, today=TODAY)
    c.refresh_from_db()
    assert c.collection_date == date(2026, 11, 23)  # the 22nd is a Sunday too
    assert c.prenotified_at is None
    assert CaseEvent.objects.filter(case=case, cause="mandate_day_changed").exists()
    with pytest.raises(Invalid):
        mandate_change_day(mandate=mandate, collection_day=3, today=TODAY)


def test_mandates_lapse_36_months_after_the_last_collection(profile, organisation):
    used = sign(make_account(organisation), signed_on=date(2020, 1, 1))
    Mandate.objects.filter(pk=used.pk).update(last_collected_on=date(2023, 11, 1))
    recent = sign(make_account(organisation), signed_on=date(2020, 1, 1))
    Mandate.objects.filter(pk=recent.pk).update(last_collected_on=date(2023, 11, 3))
    unused = sign(make_account(organisation), signed_on=date(2023, 10, 1))
    assert mandates_lapse(organisation_id=organisation.pk, on=TODAY) == 2
    statuses = dict(Mandate.objects.values_list("pk", "status"))
    assert statuses == {used.pk: "lapsed", recent.pk: "active", unused.pk: "lapsed"}
    assert mandates_lapse(organisation_id=organisation.pk, on=TODAY) == 0


def test_profile_validation_both_ways(organisation):
    good = DirectDebitProfile(
        organisation=organisation,
        creditor_id="NL69ZZZ123456780000",
        creditor_name="W",
        iban="NL20INGB0001234567",
    )
    good.full_clean()
    bad = DirectDebitProfile(
        organisation=organisation,
        creditor_id="NL68ZZZ123456780000",
        creditor_name="W",
        iban="NL20INGB0001234568",
        collection_days=[1, 31],
        schema="pain.008.001.02",
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert set(exc.value.message_dict) == {"creditor_id", "iban", "collection_days", "bic"}


def test_invoice_collections_do_not_need_an_invoice_per_mandate(mandate, account):
    # A second invoice on the same account gets its own collection (reference = number).
    a = invoice_for(account, number="F-A")
    b = invoice_for(account, number="F-B")
    for inv in (a, b):
        collection_schedule(
            mandate=mandate,
            amount_cents=inv.amount_cents,
            reference=inv.number,
            remittance=inv.number,
            earliest=TODAY,
            invoice=inv,
            today=TODAY,
        )
    assert Collection.objects.filter(mandate=mandate).count() == 2
