"""Cycle indicators: rows of the indicator table.

HT_TRENDLINE is one of TA-Lib's "Overlap Studies", but its row sits here with the other
Hilbert-transform functions: all six share one compiled core in
``ftaccel/kernels/indicators/cycle.py``.
"""

from . import CLOSE, Indicator

G = "Cycle Indicators"

ROWS = (
    Indicator("HT_DCPERIOD", G, "Hilbert Transform - Dominant Cycle Period", CLOSE, (),
              ("real",), "ht_dcperiod", lambda: 32),
    Indicator("HT_DCPHASE", G, "Hilbert Transform - Dominant Cycle Phase", CLOSE, (),
              ("real",), "ht_dcphase", lambda: 63),
    Indicator("HT_PHASOR", G, "Hilbert Transform - Phasor Components", CLOSE, (),
              ("inphase", "quadrature"), "ht_phasor", lambda: 32),
    Indicator("HT_SINE", G, "Hilbert Transform - SineWave", CLOSE, (), ("sine", "leadsine"),
              "ht_sine", lambda: 63),
    Indicator("HT_TRENDMODE", G, "Hilbert Transform - Trend vs Cycle Mode", CLOSE, (),
              ("integer",), "ht_trendmode", lambda: 63, int_outputs=("integer",)),
    Indicator("HT_TRENDLINE", "Overlap Studies", "Hilbert Transform - Instantaneous Trendline",
              CLOSE, (), ("real",), "ht_trendline", lambda: 63),
)
