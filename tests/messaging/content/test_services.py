"""Resolution, fallbacks, versions, the compile cache, context_for_case and actions."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.test import override_settings

import pytest

from tests.messaging.content.conftest import DAY, at
from vangnet.messaging.content import links, rendering
from vangnet.messaging.content.context import help_for
from vangnet.messaging.content.models import (
    HelpDesk,
    ImmutableVersion,
    MessageTemplate,
    TemplateVersion,
)
from vangnet.messaging.content.services import (
    TemplateMissing,
    context_for_case,
    message_render,
    render_for_action,
    template_create,
    template_version_create,
)
from vangnet.messaging.types import RenderedMessage
from vangnet.rules.fourteen_day_letter import letter_deadline, letter_received_on
from vangnet.strategy.models import Action

CTX = {"name": "Anna"}


def make(code="t", channel="sms", text="generiek {{ name }}", **slot):
    template = template_create(code=code, channel=channel, **slot)
    return template_version_create(template=template, subject="", text_body=text, validate=False)


@pytest.mark.django_db
def test_render_returns_the_rendered_message_with_its_version():
    version = make()
    message = message_render(template_code="t", channel="sms", context=CTX)
    assert isinstance(message, RenderedMessage)
    assert message.text == "generiek Anna"
    assert message.template_version_id == version.pk
    assert message.template_code == "t"


@pytest.mark.django_db
def test_segment_specific_variant_wins_and_generic_is_the_fallback():
    make()
    specific = make(text="kwetsbaar {{ name }}", segment="vulnerable")
    message = message_render(template_code="t", channel="sms", segment="vulnerable", context=CTX)
    assert (message.text, message.template_version_id) == ("kwetsbaar Anna", specific.pk)
    other = message_render(template_code="t", channel="sms", segment="wont_pay", context=CTX)
    assert other.text == "generiek Anna"


@pytest.mark.django_db
def test_english_falls_back_to_dutch_and_english_wins_when_present():
    make()
    assert (
        message_render(template_code="t", channel="sms", language="en", context=CTX).language
        == "nl"
    )
    make(text="generic {{ name }}", language="en")
    message = message_render(template_code="t", channel="sms", language="en", context=CTX)
    assert (message.text, message.language) == ("generic Anna", "en")


@pytest.mark.django_db
def test_variants_requested_default_and_unknown():
    make(text="A", variant="A")
    make(text="B", variant="B")
    assert message_render(template_code="t", channel="sms", variant="B", context=CTX).text == "B"
    # No default variant: the first variant stands in, and says which one it was.
    message = message_render(template_code="t", channel="sms", variant="", context=CTX)
    assert (message.text, message.variant) == ("A", "A")
    make(text="default")
    assert (
        message_render(template_code="t", channel="sms", variant="Z", context=CTX).text == "default"
    )


@pytest.mark.django_db
def test_missing_template_raises_a_clear_error():
    make(channel="email")
    with pytest.raises(TemplateMissing, match="templates defaults"):
        message_render(template_code="t", channel="sms", context=CTX)
    with pytest.raises(TemplateMissing):
        message_render(template_code="nope", channel="email", context=CTX)


@pytest.mark.django_db
def test_inactive_templates_and_unpublished_versions_are_not_used():
    first = make(text="v1")
    template = first.template
    template_version_create(template=template, subject="", text_body="v2 concept", published=False)
    assert message_render(template_code="t", channel="sms", context=CTX).text == "v1"
    template.active = False
    template.save()
    with pytest.raises(TemplateMissing):
        message_render(template_code="t", channel="sms", context=CTX)


@pytest.mark.django_db
def test_editing_writes_a_new_version_and_old_versions_are_immutable():
    v1 = make(text="een")
    v2 = template_version_create(template=v1.template, subject="", text_body="twee")
    assert (v1.number, v2.number) == (1, 2)
    assert (
        message_render(template_code="t", channel="sms", context=CTX).template_version_id == v2.pk
    )
    v1.text_body = "gewijzigd"
    with pytest.raises(ImmutableVersion):
        v1.save()
    assert TemplateVersion.objects.get(pk=v1.pk).text_body == "een"
    v1 = TemplateVersion.objects.get(pk=v1.pk)
    v1.published = False
    v1.save(update_fields=["published"])  # the one change allowed


@pytest.mark.django_db
def test_each_version_is_compiled_once_per_process(monkeypatch):
    make()
    calls = []
    real = rendering.compile_parts
    monkeypatch.setattr(rendering, "compile_parts", lambda **kw: calls.append(1) or real(**kw))
    rendering._COMPILED.clear()
    for _ in range(5):
        message_render(template_code="t", channel="sms", context=CTX)
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_new_version_is_used_at_once_in_this_process(settings):
    settings.VANGNET_TEMPLATE_CACHE_SECONDS = 3600
    v1 = make(text="een")
    assert message_render(template_code="t", channel="sms", context=CTX).text == "een"
    template_version_create(template=v1.template, subject="", text_body="twee")
    assert message_render(template_code="t", channel="sms", context=CTX).text == "twee"


@pytest.mark.django_db
@override_settings(VANGNET_BASE_URL="https://betaal.example.nl")
def test_context_for_case(case):
    ctx = context_for_case(case=case, channel="letter", now=at(DAY))
    assert ctx["salutation"] == "Beste Anna de Vries"
    assert (ctx["given_name"], ctx["surname"]) == ("Anna", "de Vries")
    assert ctx["address_lines"] == ["Anna de Vries", "Dorpsstraat 12-a", "3511 AB UTRECHT"]
    # Only overdue invoices count: € 100 + € 50 (the € 30 one is not due yet).
    assert ctx["arrears_total"] == "€ 150,00"
    assert [i["number"] for i in ctx["invoices"]] == ["F-1", "F-2"]
    assert ctx["invoices"][0]["amount"] == "€ 100,00"
    assert ctx["oldest_due_date"] == "1 mei 2025"
    assert ctx["costs_stated"] == "€ 40,00"  # WIK minimum
    assert ctx["total_with_costs"] == "€ 190,00"
    assert ctx["plan_example_instalment"] == "€ 12,50"  # 150 / 12 months
    assert ctx["creditor_phone"] == "088 555 01 01"
    assert ctx["contact_text"].startswith("Bel ons op 088 555 01 01.")
    assert ctx["letter_receipt_date"] == "12 juni 2025"
    assert ctx["letter_deadline_on"] == letter_deadline(DAY)
    assert ctx["letter_receipt_on"] == letter_received_on(DAY)
    token = ctx["pay_url"].removeprefix("https://betaal.example.nl/pay/a/").rstrip("/")
    assert links.pay_token_read(token) == case.account_id
    assert ctx["portal_url"].startswith("https://betaal.example.nl/portaal/")


@pytest.mark.django_db
def test_pay_and_portal_tokens_cannot_be_swapped_or_forged():
    with pytest.raises(signing.BadSignature):
        links.pay_token_read(links.portal_token(7))
    with pytest.raises(signing.BadSignature):
        links.pay_token_read("8:" + links.pay_token(7).split(":", 1)[1])


@pytest.mark.django_db
def test_help_desk_of_the_municipality_or_a_fallback_without_invented_numbers(case):
    ctx = context_for_case(case=case, channel="sms", now=at(DAY))
    assert ctx["help_text"].startswith("Bel de gemeente Utrecht.")
    assert ctx["helpdesk_phone"] == ""
    HelpDesk.objects.create(
        municipality_code="0344",
        municipality_name="Utrecht",
        name="Geldloket Utrecht",
        phone="030 111 22 33",
        opening_hours="werkdagen 9 tot 17 uur",
        url="https://geld.utrecht.invalid",
    )
    ctx = context_for_case(case=case, channel="sms", now=at(DAY))
    assert ctx["helpdesk_name"] == "Geldloket Utrecht"
    assert "Bel 030 111 22 33 (werkdagen 9 tot 17 uur)." in ctx["help_text"]
    no_address = help_for(municipality_code="", municipality_name="")
    assert no_address.text.startswith("Bel uw gemeente.")


@pytest.mark.django_db
def test_fallback_help_desk_is_configurable(settings):
    settings.VANGNET_HELPDESK_FALLBACK_NAME = "Landelijke hulplijn"
    settings.VANGNET_HELPDESK_FALLBACK_PHONE = "0800 000 0000"
    info = help_for(municipality_code="9999", municipality_name="Ergens")
    assert info.text.startswith("Bel de gemeente Ergens.")
    assert "Landelijke hulplijn (0800 000 0000)" in info.text


@pytest.mark.django_db
def test_strategy_policy_vat_changes_the_stated_costs(case):
    from vangnet.strategy.models import StrategyPolicy

    StrategyPolicy.objects.create(organisation=case.organisation, guardrail_policy={"vat": True})
    ctx = context_for_case(case=case, channel="letter", now=at(DAY))
    assert ctx["costs_stated"] == "€ 48,40"  # DOMAIN.md vector: 40.00 + 21% VAT


def _action(case, *, template, channel, explanation=None, action_type="message"):
    return Action.objects.create(
        organisation=case.organisation,
        case=case,
        action_type=action_type,
        channel=channel,
        template=template,
        run_date=DAY,
        scheduled_for=at(DAY),
        idempotency_key=f"k-{template}-{channel}-{Action.objects.count()}",
        created_at=at(DAY),
        explanation=explanation or {},
    )


@pytest.mark.django_db
def test_render_for_action_uses_segment_variant_and_the_letter_amounts(case):
    t = template_create(code="nudge", channel="sms", variant="B")
    template_version_create(template=t, subject="", text_body="B {{ arrears_total }}")
    t = template_create(code="nudge", channel="sms", variant="A")
    template_version_create(template=t, subject="", text_body="A {{ arrears_total }}")
    t = template_create(code="nudge", channel="sms", variant="B", segment="standard")
    template_version_create(template=t, subject="", text_body="B-standaard {{ given_name }}")
    msg = render_for_action(
        _action(case, template="nudge", channel="sms", explanation={"variant": "B"})
    )
    assert (msg.text, msg.variant) == ("B-standaard Anna", "B")
    msg = render_for_action(
        _action(case, template="nudge", channel="sms", explanation={"variant": "A"})
    )
    assert msg.text == "A € 150,00"
    # A 14-day letter states exactly what the run decided (stored on the action).
    t = template_create(code="wik", channel="letter")
    template_version_create(
        template=t, subject="Brief", text_body="{{ costs_stated }} tot {{ letter_deadline }}"
    )
    letter = _action(
        case,
        template="wik",
        channel="letter",
        action_type="fourteen_day_letter",
        explanation={"letter": {"principal_cents": 30000, "stated_costs_cents": 4500}},
    )
    msg = render_for_action(letter)
    assert msg.text == "€ 45,00 tot 26 juni 2025"
    assert letter_deadline(DAY).isoformat() == "2025-06-26"


@pytest.mark.django_db
def test_template_slot_is_unique():
    from django.db import IntegrityError

    make()
    with pytest.raises(IntegrityError):
        MessageTemplate.objects.create(code="t", channel="sms")


def test_sample_context_dates_follow_the_rules():
    from vangnet.messaging.content.context import sample_context

    ctx = sample_context(today=DAY)
    assert ctx["letter_deadline_on"] - ctx["letter_receipt_on"] >= timedelta(days=14)
