"""Price transforms: rows of the indicator table."""

from . import HL, HLC, OHLC, Indicator

G = "Price Transform"

ROWS = (
    Indicator("AVGPRICE", G, "Average Price", OHLC, (), ("real",), "avgprice", lambda: 0),
    Indicator("MEDPRICE", G, "Median Price", HL, (), ("real",), "medprice", lambda: 0),
    Indicator("TYPPRICE", G, "Typical Price", HLC, (), ("real",), "typprice", lambda: 0),
    Indicator("WCLPRICE", G, "Weighted Close Price", HLC, (), ("real",), "wclprice",
              lambda: 0),
)
