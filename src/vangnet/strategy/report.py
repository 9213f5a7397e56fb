"""Human-readable summary of a daily run (what ``vangnet run`` prints)."""

from __future__ import annotations

from collections import Counter

from vangnet.strategy.run import RunSummary


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def summary_lines(s: RunSummary) -> list[str]:
    lines = [
        f"Dagelijkse run {s.run_date.isoformat()} — {s.organisation}",
        f"  contracten met achterstand: {_n(s.accounts_in_arrears)}",
        f"  dossiers: {_n(s.opened)} geopend, {_n(s.closed)} gesloten, {_n(s.paused)} gepauzeerd,"
        f" {_n(s.resumed)} hervat, {_n(s.reopened)} heropend; {_n(s.open_cases)} open"
        f" ({_n(s.skipped_done_today)} vandaag al behandeld), {_n(s.scored)} (opnieuw) gescoord",
        f"  acties: {_n(sum(s.actions.values()))} nieuw ({_n(s.planned)} gepland, waarvan"
        f" {_n(s.postponed)} verschoven; {_n(sum(s.blocked.values()))} geblokkeerd);"
        f" {_n(s.written)} weggeschreven",
    ]
    by_type: Counter[str] = Counter()
    for (kind, _channel), n in s.actions.items():
        by_type[kind] += n
    for kind, total in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        channels = ", ".join(
            f"{channel or '-'} {_n(n)}"
            for (k, channel), n in sorted(s.actions.items(), key=lambda kv: -kv[1])
            if k == kind
        )
        lines.append(f"    {kind:<22} {_n(total):>9}  ({channels})")
    if s.blocked:
        lines.append("  geblokkeerd per reden:")
        for reason, n in sorted(s.blocked.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"    {reason:<40} {_n(n):>9}")
    if s.segments:
        seg = ", ".join(
            f"{k} {_n(v)}" for k, v in sorted(s.segments.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"  segmenten: {seg}")
    timing = ", ".join(f"{k} {v:.2f}" for k, v in s.timings.items())
    lines.append(f"  tijd (s): {timing}")
    return lines
