"""Models of arrangements."""

from __future__ import annotations
