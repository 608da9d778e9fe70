"""Volume indicators: rows of the indicator table."""

from . import Indicator, period

ROWS = (
    Indicator("AD", "Volume Indicators", "Chaikin A/D Line",
              (("high", "high"), ("low", "low"), ("close", "close"), ("volume", "volume")), (),
              ("real",), "ad", lambda: 0),
    Indicator("OBV", "Volume Indicators", "On Balance Volume",
              (("real", "close"), ("volume", "volume")), (), ("real",), "obv", lambda: 0),
    Indicator("ADOSC", "Volume Indicators", "Chaikin A/D Oscillator",
              (("high", "high"), ("low", "low"), ("close", "close"), ("volume", "volume")),
              (period(3, name="fastperiod"), period(10, name="slowperiod")), ("real",), "adosc",
              lambda fastperiod, slowperiod: max(fastperiod, slowperiod) - 1),
)
