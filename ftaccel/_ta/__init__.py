"""The indicator table behind ``ftaccel.ta``: one :class:`Indicator` row per function.

Rows live in one module per group (``overlap.py``, ``momentum.py``, ...), next to the
kernel module of the same name in ``ftaccel/kernels/indicators/`` and its twin in
``ftaccel/fallback/indicators/``. ``ftaccel.ta`` turns each row into a function; the
tests, ``verify`` and ``bench`` iterate the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._inputs import as_float_param, as_int_param

REAL_DEFAULT = -4e37  # TA-Lib's TA_REAL_DEFAULT
REAL_MAX = 3e37  # TA-Lib's bound for "any real" parameters

_MAX_PERIOD = 100000


@dataclass(frozen=True)
class Param:
    """A parameter: TA-Lib name, default and inclusive bounds; ``kind`` int or float.

    Integers accept TA-Lib's ``-2**31`` marker for "default"; floats accept TA-Lib's
    ``-4e37`` marker (``TA_REAL_DEFAULT``) likewise.
    """

    name: str
    default: int | float
    lo: int | float
    hi: int | float = _MAX_PERIOD
    kind: str = "int"

    def coerce(self, value):
        if self.kind == "float":
            if value == REAL_DEFAULT:
                return float(self.default)
            return as_float_param(value, self.name, self.lo, self.hi)
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
    int_outputs: tuple[str, ...] = ()  # outputs TA-Lib returns as int32 (0 in the lookback)

    @property
    def reference(self) -> str:
        return f"talib.{self.name}"


def real(name, default, lo=-REAL_MAX, hi=REAL_MAX):
    """A float parameter (TA-Lib's ``TA_Real`` options)."""
    return Param(name, float(default), lo, hi, "float")


def period(default, lo=2, name="timeperiod"):
    """The usual ``timeperiod`` parameter, bounds ``[lo, 100000]``."""
    return Param(name, default, lo)


CLOSE = (("real", "close"),)
HLC = (("high", "high"), ("low", "low"), ("close", "close"))
HL = (("high", "high"), ("low", "low"))
OHLC = (("open", "open"), ("high", "high"), ("low", "low"), ("close", "close"))
