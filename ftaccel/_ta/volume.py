"""Volume indicators: rows of the indicator table."""

from . import Indicator

ROWS = (
    Indicator("AD", "Volume Indicators", "Chaikin A/D Line",
              (("high", "high"), ("low", "low"), ("close", "close"), ("volume", "volume")), (),
              ("real",), "ad", lambda: 0),
    Indicator("OBV", "Volume Indicators", "On Balance Volume",
              (("real", "close"), ("volume", "volume")), (), ("real",), "obv", lambda: 0),
)
