"""Models of privacy."""

from __future__ import annotations
