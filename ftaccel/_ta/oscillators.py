"""Moving-average oscillators (MACD family, APO, PPO, TRIX, STOCH family): rows of the
indicator table. TA-Lib files them under "Momentum Indicators"."""

from . import CLOSE, HLC, Indicator, period
from .overlap import ma_lookback, matype, resolve

GROUP = "Momentum Indicators"


def _macd_lookback(fastperiod, slowperiod, signalperiod):
    return max(fastperiod, slowperiod) - 1 + signalperiod - 1


def _macdext_lookback(fastperiod, fastmatype, slowperiod, slowmatype, signalperiod,
                      signalmatype):
    return (max(ma_lookback(fastperiod, resolve(fastmatype, 0)),
                ma_lookback(slowperiod, resolve(slowmatype, 0)))
            + ma_lookback(signalperiod, resolve(signalmatype, 0)))


def _po_lookback(fastperiod, slowperiod, matype):
    return ma_lookback(max(fastperiod, slowperiod), resolve(matype, 1))


def _stochf_lookback(fastk_period, fastd_period, fastd_matype):
    return fastk_period - 1 + ma_lookback(fastd_period, resolve(fastd_matype, 0))


def _stoch_lookback(fastk_period, slowk_period, slowk_matype, slowd_period, slowd_matype):
    return (fastk_period - 1 + ma_lookback(slowk_period, resolve(slowk_matype, 0))
            + ma_lookback(slowd_period, resolve(slowd_matype, 0)))


MACD_OUT = ("macd", "macdsignal", "macdhist")

ROWS = (
    Indicator("APO", GROUP, "Absolute Price Oscillator", CLOSE,
              (period(12, name="fastperiod"), period(26, name="slowperiod"), matype(1)),
              ("real",), "apo", _po_lookback),
    Indicator("MACD", GROUP, "Moving Average Convergence/Divergence", CLOSE,
              (period(12, name="fastperiod"), period(26, name="slowperiod"),
               period(9, 1, name="signalperiod")), MACD_OUT, "macd", _macd_lookback),
    Indicator("MACDEXT", GROUP, "MACD with controllable MA type", CLOSE,
              (period(12, name="fastperiod"), matype(0, "fastmatype"),
               period(26, name="slowperiod"), matype(0, "slowmatype"),
               period(9, 1, name="signalperiod"), matype(0, "signalmatype")),
              MACD_OUT, "macdext", _macdext_lookback),
    Indicator("MACDFIX", GROUP, "Moving Average Convergence/Divergence Fix 12/26", CLOSE,
              (period(9, 1, name="signalperiod"),), MACD_OUT, "macdfix",
              lambda signalperiod: 25 + signalperiod - 1),
    Indicator("PPO", GROUP, "Percentage Price Oscillator", CLOSE,
              (period(12, name="fastperiod"), period(26, name="slowperiod"), matype(1)),
              ("real",), "ppo", _po_lookback),
    Indicator("STOCH", GROUP, "Stochastic", HLC,
              (period(5, 1, name="fastk_period"), period(3, 1, name="slowk_period"),
               matype(0, "slowk_matype"), period(3, 1, name="slowd_period"),
               matype(0, "slowd_matype")), ("slowk", "slowd"), "stoch", _stoch_lookback),
    Indicator("STOCHF", GROUP, "Stochastic Fast", HLC,
              (period(5, 1, name="fastk_period"), period(3, 1, name="fastd_period"),
               matype(0, "fastd_matype")), ("fastk", "fastd"), "stochf", _stochf_lookback),
    Indicator("STOCHRSI", GROUP, "Stochastic Relative Strength Index", CLOSE,
              (period(14), period(5, 1, name="fastk_period"), period(3, 1, name="fastd_period"),
               matype(0, "fastd_matype")), ("fastk", "fastd"), "stochrsi",
              lambda timeperiod, fastk_period, fastd_period, fastd_matype:
              timeperiod + _stochf_lookback(fastk_period, fastd_period, fastd_matype)),
    Indicator("TRIX", GROUP, "1-day Rate-Of-Change (ROC) of a Triple Smooth EMA", CLOSE,
              (period(30, 1),), ("real",), "trix",
              lambda timeperiod: 3 * (timeperiod - 1) + 1),
)
