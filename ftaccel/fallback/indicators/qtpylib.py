"""numpy/pandas versions of ``ftaccel.kernels.indicators.qtpylib``."""
