"""The `vangnet` console script: every Django management command plus ours.

One bootstrap for the CLI, the WSGI server and (later) Celery, so settings are read the
same way everywhere.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.conf.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vangnet", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
