"""``vangnet roles sync`` creates/updates the role groups; ``vangnet roles list`` shows them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from vangnet.accounts.roles import ROLES
from vangnet.accounts.services import roles_ensure


class Command(BaseCommand):
    help = "Staff roles as Django groups: sync (idempotent) or list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sync", "list"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for key, role in ROLES.items():
                self.stdout.write(f"{key:16} {role.group_name:18} {role.label}")
            return
        report = roles_ensure()
        for key, count in report.permissions.items():
            self.stdout.write(f"{ROLES[key].group_name:18} {count:4} permissions")
        for key, missing in report.missing.items():
            self.stderr.write(
                self.style.WARNING(
                    f"{ROLES[key].group_name}: skipped (not found): {', '.join(missing)}"
                )
            )
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"created: {', '.join(report.created)}"))
