"""`vangnet simulate`: run a synthetic book through the real daily run and compare journeys.

    vangnet simulate --households 5000 --days 120 --journey social [--seed 7] [--json]
    vangnet simulate --compare social classic

Each journey runs in its own temporary organisation (``sim-<journey>-s<seed>``) built
from the same seed, so a comparison sees the same households; the demo organisation is
never touched. See docs/simulation.md for the behaviour model and its assumptions.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vangnet.simulation.metrics import UNIT_COSTS
from vangnet.simulation.municipality import (
    MunicipalityResult,
    report_lines,
    simulate_municipality,
)
from vangnet.simulation.strategy_sim import SimConfig, SimResult, journey_resolve, simulate_strategy

# (label, path into the metrics dict, format)
ROWS: tuple[tuple[str, str, str], ...] = (
    ("klantreis", "journey", "s"),
    ("dossiers geopend", "cases_opened", "n"),
    ("  waarvan op dag 0 (bestaande achterstand)", "cases_opened_day0", "n"),
    ("  opgelost (achterstand betaald)", "cases_cured", "n"),
    ("  nog open aan het eind", "cases_open_end", "n"),
    ("opgelost binnen 30 dagen", "cured_within.30", "%"),
    ("opgelost binnen 60 dagen", "cured_within.60", "%"),
    ("opgelost binnen 90 dagen", "cured_within.90", "%"),
    ("  (cohort: dossiers vroeg genoeg geopend)", "cure_cohort", "n"),
    ("mediaan dagen tot opgelost", "median_days_to_cure", "f"),
    ("contacten per dossier: e-mail", "contacts_per_case.email", "f2"),
    ("contacten per dossier: sms", "contacts_per_case.sms", "f2"),
    ("contacten per dossier: whatsapp", "contacts_per_case.whatsapp", "f2"),
    ("contacten per dossier: brief", "contacts_per_case.letter", "f2"),
    ("contacten per dossier: telefoon", "contacts_per_case.phone", "f2"),
    ("contacten per dossier: huisbezoek", "contacts_per_case.visit", "f2"),
    ("bereikt (tweezijdig contact)", "reach.any", "%"),
    ("  bereikt, alleen schriftelijk", "reach.written_only", "%"),
    ("  bereikt, ≥1 belpoging", "reach.phone", "%"),
    ("  bereikt, ≥1 huisbezoek", "reach.visit", "%"),
    ("kosten per dossier", "cost_per_case_eur", "€"),
    ("kosten totaal", "cost_total_eur", "€"),
    ("incassokosten in rekening gebracht", "collection_costs_charged_eur", "€"),
    ("  bij dossiers", "collection_costs_charged_cases", "n"),
    ("betalingsregelingen getroffen", "plans_made", "n"),
    ("  nagekomen", "plans_kept", "n"),
    ("  niet nagekomen", "plans_broken", "n"),
    ("  lopen nog", "plans_running", "n"),
    ("hulp aangenomen (doorverwijzing)", "help_accepted", "n"),
    ("veertiendagenbrieven", "fourteen_day_letters", "n"),
    ("vroegsignalen aan gemeente", "signals_sent", "n"),
    ("verzoeken tot afsluiten", "disconnection_requests", "n"),
    ("  geblokkeerd (wacht op akkoord)", "disconnection_requests_blocked", "n"),
    ("verzoeken tot ontruiming", "eviction_requests", "n"),
    ("overdrachten aan incassobureau", "handovers", "n"),
    ("belpogingen per dag (gem. / max)",
     "staff.calls_per_day_mean|staff.calls_per_day_max", "pair"),
    ("huisbezoeken per dag (gem. / max)",
     "staff.visits_per_day_mean|staff.visits_per_day_max", "pair"),
    ("  capaciteit bellen / bezoeken per dag",
     "staff.call_capacity_per_day|staff.visit_capacity_per_day", "pair"),
    ("  achterstallig werk eind (bel / bezoek)",
     "staff.call_backlog_end|staff.visit_backlog_end", "pair"),
    ("achterstand eind simulatie", "arrears_end_eur", "€"),
    ("  contracten met achterstand", "accounts_in_arrears_end", "n"),
    ("betalingen na contact", "payments.reaction.count", "n"),
    ("termijnen betaald", "payments.instalment.count", "n"),
    ("rekentijd (s)", "seconds.total", "f"),
)  # fmt: skip


def _get(metrics: dict[str, Any], path: str) -> Any:
    value: Any = metrics
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "s":
        return str(value)
    if kind == "n":
        return _number(value)
    if kind == "%":
        return f"{_number(value * 100, 1)} %"
    if kind == "f2":
        return _number(value, 2)
    if kind == "f":
        return _number(value, 1)
    if kind == "€":
        return f"€ {_number(value, 2)}"
    return str(value)


def table_lines(results: list[SimResult]) -> list[str]:
    """The metrics of one or more runs as a text table, a column per journey."""
    body: list[tuple[str, list[str]]] = []
    for label, path, kind in ROWS:
        cells = []
        for r in results:
            if kind == "pair":
                a, b = (_get(r.metrics, p) for p in path.split("|"))
                cells.append(f"{_fmt(a, 'f' if isinstance(a, float) else 'n')} / {_fmt(b, 'n')}")
            else:
                cells.append(_fmt(_get(r.metrics, path), kind))
        body.append((label, cells))
    blocks: dict[str, list[str]] = {}
    for r in results:
        for code in r.metrics.get("guardrail_blocks", {}):
            blocks.setdefault(code, [])
    for code in sorted(blocks):
        body.append(
            (
                f"geblokkeerd: {code}",
                [_number(r.metrics.get("guardrail_blocks", {}).get(code, 0)) for r in results],
            )
        )
    width = max(len(label) for label, _ in body) + 2
    col = max(14, *(len(c) for _, cells in body for c in cells)) + 2
    rule = "─" * (width + col * len(results))
    lines = [rule]
    for label, cells in body:
        lines.append(label.ljust(width) + "".join(c.rjust(col) for c in cells))
        if label == "klantreis":
            lines.append(rule)
    lines.append(rule)
    return lines


def _unit_cost(text: str) -> tuple[str, float]:
    key, _, value = text.partition("=")
    if key not in UNIT_COSTS or not value:
        raise CommandError(
            f"--cost verwacht KANAAL=EURO met KANAAL een van {', '.join(UNIT_COSTS)}; "
            f"kreeg {text!r}"
        )
    return key, float(value.replace(",", "."))


def municipality_json(result: MunicipalityResult) -> dict[str, Any]:
    def share(value: Any) -> float | None:
        return None if value.percent is None else float(value.percent)

    return {
        "households": result.households,
        "days": result.days,
        "seed": result.seed,
        "signals": result.population.signals,
        "meldingen": result.population.meldingen,
        "strengths": {
            "letter": result.strengths.letter,
            "phone": result.strengths.phone,
            "visit": result.strengths.visit,
        },
        "strategies": {
            code: {
                "name": o.strategy.name,
                "reach_pct": share(o.figures.reach),
                "reach_written_only_pct": share(o.figures.reach_written_only),
                "reach_with_phone_pct": share(o.figures.reach_with_phone),
                "reach_with_visit_pct": share(o.figures.reach_with_visit),
                "help_accepted_pct": share(o.figures.help_accepted),
                "help_accepted_of_reached_pct": share(o.figures.help_accepted_of_reached),
                "attempts_per_melding": round(o.attempts_per_melding, 2),
                "cost_per_melding_eur": round(o.cost_per_melding_eur, 2),
            }
            for code, o in result.outcomes.items()
        },
    }


class Command(BaseCommand):
    help = (
        "Simuleert een synthetisch klantenbestand dag voor dag door de echte dagelijkse run "
        "en toont uitkomsten per klantreis (--compare voor twee of meer naast elkaar)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=5000)
        parser.add_argument("--days", type=int, default=120)
        parser.add_argument(
            "--journey",
            default="social",
            help="social (de sociale reis van de sector), classic, of een code",
        )
        parser.add_argument("--compare", nargs="+", metavar="JOURNEY", help="bijv. social classic")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--start", type=date.fromisoformat, default=SimConfig.start, help="dag 0 (JJJJ-MM-DD)"
        )
        parser.add_argument("--history-months", type=int, default=SimConfig.history_months)
        parser.add_argument("--calls-per-day", type=int, default=None)
        parser.add_argument("--visits-per-day", type=int, default=None)
        parser.add_argument(
            "--cost",
            action="append",
            type=_unit_cost,
            default=[],
            metavar="KANAAL=EURO",
            help=f"kosten per contact (standaard {UNIT_COSTS})",
        )
        parser.add_argument(
            "--municipality",
            action="store_true",
            help="gemeente-modus: vroegsignalen, meldingen en bereik per aanpak (brieven, "
            "bellen, huisbezoek), gekalibreerd op de Divosa-monitor",
        )
        parser.add_argument("--json", action="store_true", help="uitkomsten als JSON")
        parser.add_argument("--keep", action="store_true", help="simulatie-organisatie bewaren")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["households"] < 1 or options["days"] < 1:
            raise CommandError("--households en --days moeten minstens 1 zijn.")
        if options["municipality"]:
            self._municipality(options)
            return
        journeys: list[str] = options["compare"] or [options["journey"]]
        try:
            for name in journeys:
                journey_resolve(name)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        quiet = options["json"] or options["verbosity"] < 1

        def progress(message: str) -> None:
            if not quiet:
                sys.stderr.write(f"  {message}\n")
                sys.stderr.flush()

        results: list[SimResult] = []
        for name in journeys:
            config = SimConfig(
                households=options["households"],
                days=options["days"],
                journey=name,
                seed=options["seed"],
                start=options["start"],
                history_months=options["history_months"],
                calls_per_day=options["calls_per_day"],
                visits_per_day=options["visits_per_day"],
                keep=options["keep"],
                unit_costs=dict(options["cost"]) or None,
            )
            progress(
                f"{name}: {config.households} huishoudens, {config.days} dagen vanaf "
                f"{config.start} (seed {config.seed})"
            )
            results.append(simulate_strategy(config, progress=progress))
        if options["json"]:
            payload: Any = (
                {r.journey_code: r.metrics for r in results}
                if options["compare"]
                else results[0].metrics
            )
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        first = results[0].config
        self.stdout.write(
            f"Simulatie: {first.households} huishoudens, {first.days} dagen vanaf "
            f"{first.start:%d-%m-%Y}, seed {first.seed} (zelfde klanten voor elke klantreis)"
        )
        for line in table_lines(results):
            self.stdout.write(line)
        for r in results:
            if r.kept:
                self.stdout.write(f"Bewaard: organisatie {r.organisation_slug}")
        self.stdout.write(
            "Aannames (kosten per kanaal, reactiemodel): docs/simulation.md. "
            "Cijfers zijn een simulatie, geen voorspelling."
        )

    def _municipality(self, options: dict[str, Any]) -> None:
        result = simulate_municipality(
            households=options["households"], days=options["days"], seed=options["seed"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(municipality_json(result), indent=2))
            return
        for line in report_lines(result):
            self.stdout.write(line)
