"""The shipped Dutch library: complete for the journeys, true to their facts, B1, legal.

The journeys (``strategy/journeys/*.yaml``) name a template code per step and claim facts
about each template (points to help, offers data sharing …); the guardrails decide on
those claims, so these tests check that the shipped texts really say them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest
import yaml

from tests.messaging.content.conftest import DAY, at
from vangnet.messaging.content.context import sample_context
from vangnet.messaging.content.library import (
    LIBRARY_DIR,
    LibraryError,
    library_load,
    library_specs,
    templates_export,
    templates_import,
)
from vangnet.messaging.content.models import MessageTemplate, TemplateVersion
from vangnet.messaging.content.rendering import compile_parts, render_compiled, sms_segments
from vangnet.messaging.content.services import (
    context_for_case,
    message_render,
    template_version_create,
)
from vangnet.messaging.language import check_text
from vangnet.rules.fourteen_day_letter import LetterContent, letter_content_decision
from vangnet.rules.text import date_nl

JOURNEYS = Path(__file__).parents[3] / "src" / "vangnet" / "strategy" / "journeys"
# Steps whose action is a message to the person (signals, costs, hand-over and the
# disconnection/eviction requests are not).
PERSON_ACTIONS = {
    "message",
    "offer_plan",
    "referral",
    "fourteen_day_letter",
    "call_task",
    "visit_task",
}
BEST = ("email", "sms", "whatsapp", "letter")
FIXED = {"call_task": "phone", "visit_task": "visit"}


def journeys() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted(JOURNEYS.glob("*.yaml"))]


def needed_slots() -> set[tuple[str, str]]:
    slots = set()
    for journey in journeys():
        for step in journey["steps"]:
            if step["action"] not in PERSON_ACTIONS or not step.get("template"):
                continue
            channel = FIXED.get(step["action"], step.get("channel", "best"))
            for c in BEST if channel == "best" else (channel,):
                slots.add((step["template"], c))
    return slots


def claimed_facts() -> dict[str, dict]:
    facts: dict[str, dict] = {}
    for journey in journeys():
        for code, claims in (journey.get("templates") or {}).items():
            facts.setdefault(code, {}).update(claims)
    return facts


SPECS = library_specs()
BY_CODE: dict[str, list] = {}
for _spec in SPECS:
    BY_CODE.setdefault(_spec.code, []).append(_spec)


def rendered(spec, context=None):
    v = spec.versions[-1]
    compiled = compile_parts(
        channel=spec.channel, subject=v.subject, text_body=v.text, html_body=v.html
    )
    return render_compiled(compiled, context or sample_context(channel=spec.channel, today=DAY))


def test_every_journey_step_that_reaches_a_person_has_a_shipped_template():
    have = {(s.code, s.channel) for s in SPECS}
    missing = sorted(needed_slots() - have)
    assert not missing, missing


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "/".join(p for p in s.slot if p))
def test_every_shipped_template_is_b1(spec):
    v = spec.versions[-1]
    source = check_text(f"{v.subject}\n{v.text}")
    assert source.ok, [(f.kind, f.text, f.message) for f in source.findings]
    subject, text, _ = rendered(spec)
    out = check_text(f"{subject}\n{text}")
    assert out.ok, (out.score, [(f.kind, f.text) for f in out.findings])
    assert "schuldhulp" not in (v.subject + v.text).lower()


def _claims(code: str) -> dict:
    return claimed_facts().get(code, {})


FACT_CHECKS = {
    # fact -> phrases that every text of the template must contain once rendered
    "points_to_help": ["gratis", "geldzaken"],
    "offers_data_sharing": ["gegevens", "gemeente", "als u dat goed vindt"],
    "states_medical_exception": ["ernstige ziekte", "verklaring van een arts", "niet af"],
    "mentions_water_containers": ["waterpakketten"],
    "disconnection_announcement": ["afsluiten"],
}


@pytest.mark.parametrize(
    ("code", "fact"),
    sorted(
        (code, fact)
        for code, claims in claimed_facts().items()
        for fact, value in claims.items()
        if value is True and fact in FACT_CHECKS and code in BY_CODE
    ),
)
def test_shipped_texts_say_what_the_journeys_claim(code, fact):
    context = sample_context(today=DAY)
    for spec in BY_CODE[code]:
        _, text, _ = rendered(spec)
        for phrase in FACT_CHECKS[fact]:
            assert phrase in text, (spec.slot, fact, phrase)
        if fact == "points_to_help" and spec.channel != "sms":  # an SMS has no room
            assert context["help_text"] in text


def test_written_reminders_give_the_payment_term_they_claim():
    for code, claims in claimed_facts().items():
        if claims.get("payment_term_days") and code in BY_CODE:
            for spec in BY_CODE[code]:
                _, text, _ = rendered(spec)
                assert f"{claims['payment_term_days']} dagen" in text, code


def test_first_messages_have_two_variants_for_email_and_sms():
    for journey in journeys():
        first = min(journey["steps"], key=lambda s: s["day"])
        if first["action"] != "message" or first["channel"] != "best":
            continue
        for channel in ("email", "sms"):
            variants = {s.variant for s in BY_CODE[first["template"]] if s.channel == channel}
            assert len(variants) >= 2, (first["template"], channel)


def test_sms_fit_in_two_parts_and_carry_a_link():
    context = sample_context(channel="sms", today=DAY)
    context.update(
        # Long but real-life values: a 30-character name, a 35-character base URL.
        salutation="Beste Maria van den Heuvel-Vermeulen",
        given_name="Maria",
        full_name="Maria van den Heuvel-Vermeulen",
        arrears_total="€ 12.345,67",
        plan_example_instalment="€ 1.028,81",
        creditor_name="Waterbedrijf Midden-Nederland",
        creditor_phone="088 123 45 67",
        municipality_name="Súdwest-Fryslân",
        pay_url="https://mijn.waterbedrijf-midden.nl/pay/a/123456:" + "x" * 43 + "/",
        portal_url="https://mijn.waterbedrijf-midden.nl/portaal/123456:" + "x" * 43 + "/",
    )
    sms = [s for s in SPECS if s.channel == "sms"]
    assert sms
    for spec in sms:
        _, text, _ = rendered(spec, context)
        assert sms_segments(text) <= 2, (spec.slot, len(text), text)
        assert "https://" in text


@pytest.mark.django_db
def test_defaults_load_is_idempotent_and_keeps_staff_edits():
    first = library_load()
    assert len(first.templates_created) == len(SPECS)
    versions = TemplateVersion.objects.count()
    assert versions == len(SPECS)
    second = library_load()
    assert (second.templates_created, second.versions_created) == ([], [])
    assert TemplateVersion.objects.count() == versions
    template = MessageTemplate.objects.get(code="plan-offer", channel="sms")
    template_version_create(template=template, subject="", text_body="Eigen tekst {{ pay_url }}")
    third = library_load(update=True)
    assert "plan-offer/sms/nl" in third.kept
    assert template.versions.count() == 2


@pytest.mark.django_db
def test_defaults_update_gives_untouched_templates_the_newer_library_text(tmp_path):
    library_load()
    newer = tmp_path / "lib"
    newer.mkdir()
    data = yaml.safe_load((LIBRARY_DIR / "plan-offer.yaml").read_text())
    for entry in data["templates"]:
        entry["text"] = entry["text"].replace("Bijvoorbeeld", "Zoals")
    (newer / "plan-offer.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert library_load(directory=newer).versions_created == []  # without --update: kept
    result = library_load(directory=newer, update=True)
    changed = [e for e in data["templates"] if "Zoals" in e["text"]]
    assert len(changed) >= 3
    assert len(result.versions_created) == len(changed)
    assert (
        "Zoals"
        in message_render(
            template_code="plan-offer", channel="letter", context=sample_context()
        ).text
    )


@pytest.mark.django_db
def test_templates_defaults_command(capsys):
    call_command("templates", "defaults")
    assert f"templates created: {len(SPECS)}" in capsys.readouterr().out
    call_command("templates", "defaults")
    assert "templates created: 0, with new versions: 0" in capsys.readouterr().out


@pytest.mark.django_db
def test_export_import_round_trip(tmp_path):
    library_load()
    template = MessageTemplate.objects.get(code="plan-offer", channel="email")
    template_version_create(template=template, subject="Nieuw", text_body="Tekst {{ pay_url }}")
    out = tmp_path / "export"
    call_command("templates", "export", "--out", str(out))
    files = sorted(out.glob("*.yaml"))
    assert len(files) == len(SPECS)
    exported = yaml.safe_load((out / "plan-offer.email.nl.yaml").read_text())
    assert [v["number"] for v in exported["templates"][0]["versions"]] == [1, 2]
    # Importing what is already there changes nothing.
    result = templates_import(directory=out)
    assert result.versions_created == [] and result.templates_created == []
    # Into an empty database: every template and version comes back.
    TemplateVersion.objects.all().delete()
    MessageTemplate.objects.all().delete()
    result = templates_import(directory=out)
    assert len(result.templates_created) == len(SPECS)
    assert TemplateVersion.objects.count() == len(SPECS) + 1
    msg = message_render(template_code="plan-offer", channel="email", context=sample_context())
    assert msg.subject == "Nieuw"
    latest = tmp_path / "latest"
    templates_export(out=latest, latest_only=True)
    exported = yaml.safe_load((latest / "plan-offer.email.nl.yaml").read_text())
    assert [v["number"] for v in exported["templates"][0]["versions"]] == [2]


@pytest.mark.django_db
def test_a_bad_file_is_refused_and_nothing_is_written(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "format: vangnet-templates/1\ncode: x\ntemplates:\n"
        "- channel: sms\n  text: Hoi {{ pay_url }}\n"
    )
    (tmp_path / "b.yaml").write_text(
        "format: vangnet-templates/1\ncode: y\ntemplates:\n- channel: fax\n  text: t\n"
    )
    with pytest.raises(LibraryError, match=r"b\.yaml.*unknown channel 'fax'"):
        templates_import(directory=tmp_path)
    assert not MessageTemplate.objects.exists()
    with pytest.raises(CommandError, match="unknown channel"):
        call_command("templates", "import", str(tmp_path))
    (tmp_path / "b.yaml").write_text(
        "format: vangnet-templates/1\ncode: y\ntemplates:\n- channel: sms\n  text: Hoi {{ nope }}\n"
    )
    with pytest.raises(Exception, match="nope"):
        templates_import(directory=tmp_path)
    assert not MessageTemplate.objects.exists()  # the whole import is one transaction


@pytest.fixture
def fourteen_day_letter(case):
    library_load()
    context = context_for_case(case=case, channel="letter", now=at(DAY))
    message = message_render(template_code="wik-14-day-letter", channel="letter", context=context)
    return message, context


def _required_elements(context) -> dict[str, str]:
    return {
        "exact costs": f"Dan moet u {context['costs_stated']} extra kosten betalen.",
        "14 days": "U heeft 14 dagen de tijd om dit bedrag te betalen.",
        "from the day after receipt": (
            "Die 14 dagen beginnen op de dag nadat u deze brief heeft gekregen."
        ),
        "assumed receipt date": context["letter_receipt_date"],
        "last day": f"Betaal dus op of voor {context['letter_deadline']}.",
        "consequence: total": f"U moet dan in totaal {context['total_with_costs']} betalen.",
        "consequence: hand-over": "incassobureau",
        "default established": "niet op tijd betaald",
        "amount owed": f"In totaal moet u nog {context['arrears_total']} betalen.",
        "how to pay": context["pay_url"],
        "partial payment": "alleen kosten over het deel dat u niet betaald heeft",
        "help": context["help_text"],
    }


@pytest.mark.django_db
def test_fourteen_day_letter_contains_every_required_element(fourteen_day_letter):
    message, context = fourteen_day_letter
    text = message.text
    for element, phrase in _required_elements(context).items():
        assert phrase in text, element
    for invoice in context["invoices"]:
        assert invoice["number"] in text and invoice["amount"] in text
    assert context["costs_stated"] == "€ 40,00"
    assert context["letter_deadline"] == date_nl(DAY.replace(day=26))
    # Wording that voids the costs (HR 25-11-2016) is absent.
    for void in ("dagtekening", "na de datum van deze brief", "na datum van deze brief"):
        assert void not in text.lower()


@pytest.mark.django_db
def test_fourteen_day_letter_passes_the_rules_check(fourteen_day_letter):
    message, context = fourteen_day_letter
    stated = re.search(r"Dan moet u € ([\d.]+,\d\d) extra kosten", message.text).group(1)
    content = LetterContent(
        principal=Decimal(context["arrears_total_cents"]) / 100,
        stated_costs=Decimal(stated.replace(".", "").replace(",", ".")),
    )
    decision = letter_content_decision(content)
    assert not decision.blocked, decision


@pytest.mark.django_db
def test_fourteen_day_letter_pdf_contains_every_required_element(fourteen_day_letter, case):
    import io

    import pdfplumber

    from vangnet.messaging.channels.letter import render_pdf

    message, context = fourteen_day_letter
    pdf = render_pdf(
        message,
        organisation=case.organisation,
        recipient_address=context["address_lines"],
        on=DAY,
        customer_number=context["customer_number"],
    )
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = " ".join((page.extract_text() or "") for page in doc.pages)
    # Compare without white space: the PDF breaks long lines (and the pay link) anywhere.
    flat = re.sub(r"\s+", "", text)
    for element, phrase in _required_elements(context).items():
        assert re.sub(r"\s+", "", phrase) in flat, element
