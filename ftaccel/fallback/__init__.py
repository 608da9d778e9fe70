"""numpy/pandas twins of the kernels: same names, same signatures, same results.

Written independently of ``ftaccel.kernels`` (vectorised numpy/pandas, not a copy of the
loops), so each family's fallback is both the answer when the compiled module cannot be
imported and the cross-check of the kernels in the tests, like ``bottleneck.slow``.
"""
