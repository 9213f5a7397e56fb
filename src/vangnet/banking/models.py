"""Models of banking."""

from __future__ import annotations
