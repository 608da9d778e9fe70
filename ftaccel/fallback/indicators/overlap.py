"""numpy versions of ``ftaccel.kernels.indicators.overlap``."""

from ._common import running_total


def sma(real, start, timeperiod):
    return running_total(real, start, timeperiod) / timeperiod
