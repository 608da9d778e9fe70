"""Momentum indicators: rows of the indicator table."""

from . import CLOSE, Indicator, period

ROWS = (
    Indicator("RSI", "Momentum Indicators", "Relative Strength Index", CLOSE, (period(14),),
              ("real",), "rsi", lambda timeperiod: timeperiod),
)
