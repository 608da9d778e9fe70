"""Statistic functions (STDDEV, VAR, LINEARREG family, TSF, CORREL, BETA), TA-Lib compatible."""
