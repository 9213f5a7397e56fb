"""Models of signals_out."""

from __future__ import annotations
