"""``vangnet lint-text FILE…``: is this text B1? Score, findings, alternatives.

Django finds a command module with a hyphen in its name (it lists the folder and
imports the module by name), so the command is spelt as the issue asks. Exit code 1
when any file is above B1 (below the Flesch–Douma threshold or with a listed word).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.messaging.language import Thresholds, check_text


class Command(BaseCommand):
    help = "Check Dutch text (plain, HTML or a template) for B1: score and findings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Files to check; '-' reads standard input.")
        parser.add_argument(
            "--min-score", type=float, default=None, help="Flesch–Douma threshold (default 60)."
        )

    def handle(self, *args, **options) -> None:
        thresholds = Thresholds()
        if options["min_score"] is not None:
            thresholds = Thresholds(
                min_score=options["min_score"],
                max_sentence_words=thresholds.max_sentence_words,
                allow_listed_words=thresholds.allow_listed_words,
            )
        failed = 0
        for name in options["files"]:
            text = self._read(name)
            report = check_text(text, thresholds=thresholds)
            self.stdout.write(
                f"{name}: Flesch–Douma {report.score:.1f} (minimaal {report.min_score:g}) — "
                f"{report.level}; {report.words} woorden, {report.sentences} zinnen, "
                f"{report.avg_sentence_words:.1f} woorden per zin, "
                f"{report.avg_word_syllables:.2f} lettergrepen per woord"
            )
            for finding in report.findings:
                line, col = finding.line_col(text)
                alt = f" → {finding.alternative}" if finding.alternative else ""
                text_part = finding.text if len(finding.text) <= 60 else finding.text[:57] + "…"
                self.stdout.write(
                    f"  {name}:{line}:{col}: {finding.kind}: {text_part}{alt}\n"
                    f"    {finding.message}"
                )
            if not report.ok:
                failed += 1
        if failed:
            self.stderr.write(f"{failed} bestand(en) niet op B1-niveau.")
            sys.exit(1)

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{name}: cannot read: {exc}") from exc
