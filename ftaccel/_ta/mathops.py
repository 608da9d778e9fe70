"""Math operators: rows of the indicator table."""

from . import CLOSE, Indicator, period

G = "Math Operators"

ROWS = (
    Indicator("MAX", G, "Highest value over a specified period", CLOSE, (period(30),),
              ("real",), "max_", lambda timeperiod: timeperiod - 1),
    Indicator("MIN", G, "Lowest value over a specified period", CLOSE, (period(30),),
              ("real",), "min_", lambda timeperiod: timeperiod - 1),
    Indicator("SUM", G, "Summation", CLOSE, (period(30),), ("real",), "sum_",
              lambda timeperiod: timeperiod - 1),
    Indicator("MAXINDEX", G, "Index of highest value over a specified period", CLOSE,
              (period(30),), ("integer",), "maxindex", lambda timeperiod: timeperiod - 1,
              int_outputs=("integer",)),
    Indicator("MININDEX", G, "Index of lowest value over a specified period", CLOSE,
              (period(30),), ("integer",), "minindex", lambda timeperiod: timeperiod - 1,
              int_outputs=("integer",)),
)
