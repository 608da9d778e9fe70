"""Indicator kernels, TA-Lib compatible: the ``ftaccel._aot_indicators`` module.

One submodule per group of functions; the build collects every ``@export`` of every
submodule into the one compiled module, so exported names are unique across them.

Every kernel takes its input arrays, ``start`` (the index of the first row TA-Lib's
wrapper computes from: the first row where no input is NaN, see ``_common.py``) and its
parameters, already validated by ``ftaccel.ta``. It returns full-length float64
output(s): NaN up to ``start + lookback``, values after. Arithmetic follows TA-Lib's C
code step by step so results agree to the last few ulps, NaN propagation included.
"""
