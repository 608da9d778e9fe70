"""Overlap studies: rows of the indicator table."""

from . import CLOSE, HL, REAL_MAX, Indicator, Param, period, real


def ma_lookback(timeperiod, matype):
    """TA-Lib's lookback of ``MA(timeperiod, matype)`` (``matype`` 11 already resolved)."""
    if timeperiod <= 1 or matype == 10:
        return 0
    return {3: 2 * (timeperiod - 1), 4: 3 * (timeperiod - 1), 6: timeperiod, 7: 32,
            8: 6 * (timeperiod - 1),
            9: timeperiod - 1 + int(timeperiod ** 0.5) - 1,
            12: (timeperiod - 1) // 2 + timeperiod - 1}.get(matype, timeperiod - 1)


def matype(default, name="matype"):
    """A moving-average type (TA-Lib's MA_Type 0..13; 11 selects the parameter's default)."""
    return Param(name, default, 0, 13)


def resolve(value, default):
    """MA_Type 11 ("the function's own default") as the concrete type."""
    return default if value == 11 else value


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
    Indicator("TRIMA", "Overlap Studies", "Triangular Moving Average", CLOSE, (period(30, 1),),
              ("real",), "trima", lambda timeperiod: timeperiod - 1),
    Indicator("KAMA", "Overlap Studies", "Kaufman Adaptive Moving Average", CLOSE,
              (period(30, 1),), ("real",), "kama",
              lambda timeperiod: 0 if timeperiod == 1 else timeperiod),
    Indicator("T3", "Overlap Studies", "Triple Exponential Moving Average (T3)", CLOSE,
              (period(5, 1), real("vfactor", 0.7, 0.0, 1.0)), ("real",), "t3",
              lambda timeperiod, vfactor: 6 * (timeperiod - 1)),
    Indicator("MA", "Overlap Studies", "Moving average", CLOSE, (period(30, 1), matype(0)),
              ("real",), "ma", lambda timeperiod, matype: ma_lookback(timeperiod,
                                                                      resolve(matype, 0))),
    Indicator("BBANDS", "Overlap Studies", "Bollinger Bands", CLOSE,
              (period(20, 2), real("nbdevup", 2.0), real("nbdevdn", 2.0), matype(0)),
              ("upperband", "middleband", "lowerband"), "bbands",
              lambda timeperiod, nbdevup, nbdevdn, matype: max(
                  ma_lookback(timeperiod, resolve(matype, 0)), timeperiod - 1)),
    Indicator("MIDPOINT", "Overlap Studies", "MidPoint over period", CLOSE, (period(14),),
              ("real",), "midpoint", lambda timeperiod: timeperiod - 1),
    Indicator("MIDPRICE", "Overlap Studies", "Midpoint Price over period", HL, (period(14),),
              ("real",), "midprice", lambda timeperiod: timeperiod - 1),
    Indicator("SAR", "Overlap Studies", "Parabolic SAR", HL,
              (real("acceleration", 0.02, 0.0, REAL_MAX), real("maximum", 0.2, 0.0, REAL_MAX)),
              ("real",), "sar", lambda acceleration, maximum: 1),
)
