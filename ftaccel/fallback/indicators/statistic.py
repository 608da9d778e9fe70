"""numpy/pandas versions of ``ftaccel.kernels.indicators.statistic``."""
