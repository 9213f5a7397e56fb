"""Why a whole statement file is refused, as opposed to one rejected entry.

A refused file (too big, a DOCTYPE, unknown format, broken XML) writes nothing; the CLI
prints the English reason and the web page the Dutch one, and exits with code 2.
"""

from __future__ import annotations

from vangnet.core.errors import Invalid


class StatementRefused(Invalid):
    """The statement file as a whole cannot be read; nothing was written."""
