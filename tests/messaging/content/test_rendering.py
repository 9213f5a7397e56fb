"""The sandbox, strictness, escaping, text → HTML and SMS parts."""

from __future__ import annotations

import pytest

from vangnet.messaging.content.context import sample_context
from vangnet.messaging.content.rendering import (
    TemplateInvalid,
    compile_parts,
    html_source_from_text,
    render_compiled,
    sms_segments,
    text_to_html,
)
from vangnet.messaging.content.services import template_version_validate


def render(channel="email", subject="Onderwerp", text="Tekst", html="", context=None):
    compiled = compile_parts(channel=channel, subject=subject, text_body=text, html_body=html)
    return render_compiled(compiled, context if context is not None else sample_context())


def test_a_typo_fails_at_validation_not_silently():
    with pytest.raises(TemplateInvalid) as info:
        template_version_validate(channel="sms", subject="", text_body="Hallo {{ given_nam }}")
    assert "given_nam" in info.value.message


def test_syntax_error_names_field_and_line():
    with pytest.raises(TemplateInvalid) as info:
        compile_parts(channel="sms", subject="", text_body="regel 1\n{% if %}", html_body="")
    assert info.value.field == "text_body"
    assert info.value.line == 2


def test_sandbox_blocks_python_internals():
    with pytest.raises(TemplateInvalid):
        render(channel="sms", text="{{ ''.__class__.__mro__[1].__subclasses__() }}")


def test_html_body_is_autoescaped_but_text_is_not():
    context = {**sample_context(), "given_name": "<script>x</script> & Co"}
    _, text, html = render(
        text="Hoi {{ given_name }}", html="<p>{{ given_name }}</p>", context=context
    )
    assert text == "Hoi <script>x</script> & Co"
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in html


def test_email_without_html_gets_html_from_its_text_in_the_layout():
    _, _, html = render(text="Beste Anna,\n\nBetaal hier: https://x.invalid/pay\n\n- een\n- twee")
    assert html.startswith("<!DOCTYPE html>")
    assert '<a href="https://x.invalid/pay">https://x.invalid/pay</a>' in html
    assert "<ul><li>een</li>\n<li>twee</li></ul>" in html
    assert sample_context()["creditor_name"] in html


def test_letter_html_is_the_body_only():
    _, _, html = render(channel="letter", text="Beste Anna,\n\nTekst.")
    assert html == "<p>Beste Anna,</p>\n<p>Tekst.</p>"


def test_sms_has_no_html():
    assert render(channel="sms", subject="", text="Hoi")[2] == ""


def test_html_is_derived_from_the_text_template_once_with_loops_inside_lists():
    source = (
        "Het gaat om <deze> rekeningen:\n{% for i in items %}\n- {{ i }}\n{% endfor %}\n\n"
        "Betaal via {{ pay_url }}"
    )
    derived = html_source_from_text(source)
    assert "Het gaat om &lt;deze&gt; rekeningen:" in derived
    assert "<ul>{% for i in items %}\n<li>{{ i }}</li>\n{% endfor %}</ul>" in derived
    assert '<a href="{{ pay_url }}">{{ pay_url }}</a>' in derived
    context = {**sample_context(), "items": ["<a>", "b"], "pay_url": "https://x.invalid/?a=1&b=2"}
    _, _, html = render(channel="letter", text=source, context=context)
    assert "<li>&lt;a&gt;</li>" in html and "<li>b</li>" in html
    assert 'href="https://x.invalid/?a=1&amp;b=2"' in html


def test_text_to_html_escapes_and_splits_lists_inside_a_paragraph():
    html = text_to_html("Het gaat om:\n- F-1 <b>: € 5\n- F-2\nTotaal")
    assert (
        html
        == "<p>Het gaat om:</p>\n<ul><li>F-1 &lt;b&gt;: € 5</li><li>F-2</li></ul>\n<p>Totaal</p>"
    )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # the euro sign costs two septets
        ("€" * 81, 2),
        ("ë" * 70, 1),  # not in GSM-7: UCS-2
        ("ë" * 71, 2),
    ],
)
def test_sms_segments(text, parts):
    assert sms_segments(text) == parts


def test_sms_stays_in_the_gsm_alphabet():
    context = {
        **sample_context(channel="sms"),
        "given_name": "Zoë",
        "municipality_name": "Súdwest-Fryslân",
    }
    _, text, _ = render(
        channel="sms",
        subject="",
        text="Hoi {{ given_name }} uit {{ municipality_name }} – ‘ok’ €5",
        context=context,
    )
    assert text == "Hoi Zoe uit Sudwest-Fryslan - 'ok' €5"
    assert (
        sms_segments("ë" * 100) == 2
        and sms_segments(
            render(channel="sms", subject="", text="{{ x }}", context={"x": "ë" * 100})[1]
        )
        == 1
    )
