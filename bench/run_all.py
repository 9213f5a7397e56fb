"""Run every benchmark on SQLite and, when reachable, PostgreSQL; print their figures.

`make bench` calls this. BENCH_SIZE scales the row counts (default 1,000,000, as the
issues ask); each benchmark prints its own result lines, collected in
bench/results/latest.txt so a note can quote them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_import_invoices.py",
    "bench_aging.py",
    "bench_scoring.py",
    "bench_daily_run.py",
]


def postgres_reachable() -> bool:
    if not shutil.which("pg_isready"):
        return False
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def main() -> int:
    variants = [[]]
    if postgres_reachable():
        variants.append(["--postgres"])
    else:
        print("PostgreSQL is not reachable on 127.0.0.1:5432: running SQLite only")
    lines: list[str] = []
    failed = 0
    for name in BENCHMARKS:
        for extra in variants:
            cmd = [sys.executable, str(HERE / name), *extra]
            print("$", " ".join(cmd[1:]), flush=True)
            proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
            sys.stdout.write(proc.stdout)
            sys.stderr.write(proc.stderr[-2000:] if proc.returncode else "")
            lines += [line for line in proc.stdout.splitlines() if line.strip()]
            failed += proc.returncode != 0
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.txt").write_text("\n".join(lines) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
