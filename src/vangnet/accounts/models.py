"""Models of staff_accounts."""

from __future__ import annotations
