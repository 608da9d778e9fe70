"""Volatility indicators: rows of the indicator table."""

from . import HLC, Indicator, period

ROWS = (
    Indicator("ATR", "Volatility Indicators", "Average True Range", HLC, (period(14, lo=1),),
              ("real",), "atr", lambda timeperiod: timeperiod),
    Indicator("NATR", "Volatility Indicators", "Normalized Average True Range", HLC,
              (period(14, lo=1),), ("real",), "natr", lambda timeperiod: timeperiod),
    Indicator("TRANGE", "Volatility Indicators", "True Range", HLC, (), ("real",), "trange",
              lambda: 1),
)
