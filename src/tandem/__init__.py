"""Tandem: an AI answers first, a human is always one step away."""

__version__ = "0.1.0"
