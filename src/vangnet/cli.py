"""The `vangnet` console script: every Django management command plus ours.

One bootstrap for the CLI, the WSGI server and (later) Celery, so settings are read the
same way everywhere.
"""

from __future__ import annotations

import os
import sys

# Spoken sub-commands that live in their own Django command, because the first word
# already belongs to another app: `vangnet export ddas …` is the municipality's CBS
# export, while `vangnet export customers|invoices|…` is the importers' exporter.
ALIASES: dict[tuple[str, str], str] = {("export", "ddas"): "export_ddas"}


def resolve_aliases(args: list[str]) -> list[str]:
    if len(args) >= 2 and (args[0], args[1]) in ALIASES:
        return [ALIASES[(args[0], args[1])], *args[2:]]
    return args


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.conf.settings")
    from django.core.management import execute_from_command_line

    args = resolve_aliases(list(argv if argv is not None else sys.argv[1:]))
    execute_from_command_line(["vangnet", *args])


if __name__ == "__main__":
    main()
