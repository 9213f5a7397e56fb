"""Models of messaging_content."""

from __future__ import annotations
