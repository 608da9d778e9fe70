"""Overlap studies: rows of the indicator table."""

from . import CLOSE, HL, REAL_MAX, Indicator, period, real

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
    Indicator("MIDPOINT", "Overlap Studies", "MidPoint over period", CLOSE, (period(14),),
              ("real",), "midpoint", lambda timeperiod: timeperiod - 1),
    Indicator("MIDPRICE", "Overlap Studies", "Midpoint Price over period", HL, (period(14),),
              ("real",), "midprice", lambda timeperiod: timeperiod - 1),
    Indicator("SAR", "Overlap Studies", "Parabolic SAR", HL,
              (real("acceleration", 0.02, 0.0, REAL_MAX), real("maximum", 0.2, 0.0, REAL_MAX)),
              ("real",), "sar", lambda acceleration, maximum: 1),
)
