"""numpy/pandas versions of ``ftaccel.kernels.indicators.price``."""
