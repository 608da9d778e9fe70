"""Statistic functions: rows of the indicator table."""

from . import CLOSE, Indicator, period, real

G = "Statistic Functions"
PAIR = (("real0", "high"), ("real1", "low"))


def _minus1(timeperiod):
    return timeperiod - 1


ROWS = (
    Indicator("BETA", G, "Beta", PAIR, (period(5, lo=1),), ("real",), "beta",
              lambda timeperiod: timeperiod),
    Indicator("CORREL", G, "Pearson's Correlation Coefficient (r)", PAIR, (period(30, lo=1),),
              ("real",), "correl", _minus1),
    Indicator("LINEARREG", G, "Linear Regression", CLOSE, (period(14),), ("real",),
              "linearreg", _minus1),
    Indicator("LINEARREG_ANGLE", G, "Linear Regression Angle", CLOSE, (period(14),),
              ("real",), "linearreg_angle", _minus1),
    Indicator("LINEARREG_INTERCEPT", G, "Linear Regression Intercept", CLOSE, (period(14),),
              ("real",), "linearreg_intercept", _minus1),
    Indicator("LINEARREG_SLOPE", G, "Linear Regression Slope", CLOSE, (period(14),),
              ("real",), "linearreg_slope", _minus1),
    Indicator("STDDEV", G, "Standard Deviation", CLOSE, (period(5), real("nbdev", 1.0)),
              ("real",), "stddev", lambda timeperiod, nbdev: timeperiod - 1),
    Indicator("TSF", G, "Time Series Forecast", CLOSE, (period(14),), ("real",), "tsf",
              _minus1),
    Indicator("VAR", G, "Variance", CLOSE, (period(5, lo=1), real("nbdev", 1.0)), ("real",),
              "var", lambda timeperiod, nbdev: timeperiod - 1),
)
