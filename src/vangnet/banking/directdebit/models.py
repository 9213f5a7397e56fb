"""Models of directdebit."""

from __future__ import annotations
