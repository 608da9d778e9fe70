"""Momentum indicators: rows of the indicator table."""

from . import CLOSE, OHLC, Indicator, period

ROWS = (
    Indicator("BOP", "Momentum Indicators", "Balance Of Power", OHLC, (), ("real",), "bop",
              lambda: 0),
    Indicator("RSI", "Momentum Indicators", "Relative Strength Index", CLOSE, (period(14),),
              ("real",), "rsi", lambda timeperiod: timeperiod),
    Indicator("MOM", "Momentum Indicators", "Momentum", CLOSE, (period(10, lo=1),),
              ("real",), "mom", lambda timeperiod: timeperiod),
    Indicator("ROC", "Momentum Indicators", "Rate of change : ((price/prevPrice)-1)*100",
              CLOSE, (period(10, lo=1),), ("real",), "roc", lambda timeperiod: timeperiod),
    Indicator("ROCP", "Momentum Indicators",
              "Rate of change Percentage: (price-prevPrice)/prevPrice",
              CLOSE, (period(10, lo=1),), ("real",), "rocp", lambda timeperiod: timeperiod),
    Indicator("ROCR", "Momentum Indicators", "Rate of change ratio: (price/prevPrice)",
              CLOSE, (period(10, lo=1),), ("real",), "rocr", lambda timeperiod: timeperiod),
)
