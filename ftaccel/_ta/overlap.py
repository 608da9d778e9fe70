"""Overlap studies: rows of the indicator table."""

from . import CLOSE, Indicator, period

ROWS = (
    Indicator("SMA", "Overlap Studies", "Simple Moving Average", CLOSE, (period(30, 1),),
              ("real",), "sma", lambda timeperiod: timeperiod - 1),
    Indicator("EMA", "Overlap Studies", "Exponential Moving Average", CLOSE, (period(30, 1),),
              ("real",), "ema", lambda timeperiod: timeperiod - 1),
    Indicator("WMA", "Overlap Studies", "Weighted Moving Average", CLOSE, (period(30, 1),),
              ("real",), "wma", lambda timeperiod: timeperiod - 1),
    Indicator("DEMA", "Overlap Studies", "Double Exponential Moving Average", CLOSE,
              (period(30, 1),), ("real",), "dema", lambda timeperiod: 2 * (timeperiod - 1)),
    Indicator("TEMA", "Overlap Studies", "Triple Exponential Moving Average", CLOSE,
              (period(30, 1),), ("real",), "tema", lambda timeperiod: 3 * (timeperiod - 1)),
)
