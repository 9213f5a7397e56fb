"""Models of portal."""

from __future__ import annotations
