"""Oscillators indicators: rows of the indicator table."""

ROWS = ()
