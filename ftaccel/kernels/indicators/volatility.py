"""Volatility indicators (TRANGE, ATR, NATR), TA-Lib compatible."""
