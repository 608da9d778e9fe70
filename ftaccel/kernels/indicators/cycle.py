"""Hilbert-transform cycle indicators (HT_*), TA-Lib compatible."""
