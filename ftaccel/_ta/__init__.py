"""The indicator table behind ``ftaccel.ta``: one :class:`Indicator` row per function.

Rows live in one module per group (``overlap.py``, ``momentum.py``, ...), next to the
kernel module of the same name in ``ftaccel/kernels/indicators/`` and its twin in
``ftaccel/fallback/indicators/``. ``ftaccel.ta`` turns each row into a function; the
tests, ``verify`` and ``bench`` iterate the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._inputs import as_int_param

_MAX_PERIOD = 100000


@dataclass(frozen=True)
class Param:
    """An integer parameter: TA-Lib name, default and inclusive bounds."""

    name: str
    default: int
    lo: int
    hi: int = _MAX_PERIOD

    def coerce(self, value) -> int:
        return as_int_param(value, self.name, self.lo, self.hi, self.default)


@dataclass(frozen=True)
class Indicator:
    """One TA-Lib function: the single place its interface is written down."""

    name: str
    group: str
    summary: str
    inputs: tuple[tuple[str, str], ...]  # (argument name, default DataFrame column)
    params: tuple[Param, ...]
    outputs: tuple[str, ...]
    kernel: str
    lookback: Callable[..., int]  # lookback(**params) -> NaN rows after the begin index

    @property
    def reference(self) -> str:
        return f"talib.{self.name}"


def period(default, lo=2, name="timeperiod"):
    """The usual ``timeperiod`` parameter, bounds ``[lo, 100000]``."""
    return Param(name, default, lo)


CLOSE = (("real", "close"),)
HLC = (("high", "high"), ("low", "low"), ("close", "close"))
HL = (("high", "high"), ("low", "low"))
OHLC = (("open", "open"), ("high", "high"), ("low", "low"), ("close", "close"))
