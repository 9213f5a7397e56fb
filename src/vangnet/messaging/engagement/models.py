"""Models of messaging_engagement."""

from __future__ import annotations
