"""Models of messaging_channels."""

from __future__ import annotations
