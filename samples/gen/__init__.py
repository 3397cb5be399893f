"""Helpers of the synthetic sample generator (see samples/generate.py)."""
