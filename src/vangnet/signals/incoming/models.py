"""Models of signals_in."""

from __future__ import annotations
