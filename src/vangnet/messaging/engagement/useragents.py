"""Browser family and link-preview robots from a User-Agent header.

Only the family is kept (AVG data minimisation: no version, no device, no IP). Messaging
apps, mail security scanners and social networks fetch a link to build a preview before
(or without) the person tapping it; those requests are stored as ``bot`` and are neither
a click, a reward nor a timeline event. The list covers the previewers our channels meet
(WhatsApp, iMessage via Facebook/Twitter fetchers, Outlook Safe Links, Gmail's proxy,
Telegram, Slack, Teams, Signal has none) plus generic crawlers and command-line tools.
"""

from __future__ import annotations

import re

_BOT = re.compile(
    r"whatsapp|facebookexternalhit|facebot|meta-externalagent|twitterbot|slackbot|"
    r"telegrambot|discordbot|linkedinbot|skypeuripreview|microsoftpreview|"
    r"teams|bingpreview|googleimageproxy|google-safety|googlebot|bingbot|applebot|"
    r"yandex|duckduckbot|baiduspider|ahrefs|semrush|pinterestbot|redditbot|embedly|"
    r"viber|snapchat|preview|crawler|spider|\bbot\b|bot/|headlesschrome|phantomjs|"
    r"curl/|wget/|python-requests|python-urllib|httpx|aiohttp|go-http-client|java/|"
    r"okhttp|libwww|scrapy|barracuda|proofpoint|mimecast|symantec|trendmicro|"
    r"safelinks|outlook-ios|ms office|microsoft office",
    re.IGNORECASE,
)

# First match wins: order matters (Edge and Opera say "Chrome", Chrome says "Safari").
_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("Edge", r"edg(e|a|ios)?/"),
        ("Opera", r"opr/|opera"),
        ("Samsung Internet", r"samsungbrowser"),
        ("Firefox", r"firefox/|fxios/"),
        ("Chrome", r"chrome/|crios/"),
        ("Safari", r"safari/|applewebkit"),
    )
)


def classify(user_agent: str | None) -> tuple[str, bool]:
    """``(family, is_bot)``; family ``"onbekend"`` when empty or not recognised."""
    ua = (user_agent or "").strip()[:512]
    if not ua:
        return "onbekend", False
    bot = bool(_BOT.search(ua))
    for name, pattern in _FAMILIES:
        if pattern.search(ua):
            return name, bot
    return ("robot" if bot else "onbekend"), bot
