"""vangnet: social collection and early signalling for the Netherlands."""

__version__ = "0.1.0"
