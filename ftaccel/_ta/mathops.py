"""Mathops indicators: rows of the indicator table."""

ROWS = ()
