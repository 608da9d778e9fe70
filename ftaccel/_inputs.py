"""Input validation and coercion shared by the facades.

Everything a kernel receives passes through here first: the compiled code does no bounds
or type checking, so a bad argument must fail here, with its name in the message.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

INT_MIN = -(2**31)  # TA-Lib's TA_INTEGER_DEFAULT: "use the default"


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a 1-D C-contiguous float64 array (a copy only when needed).

    Accepts ndarrays of any real dtype (int, uint, bool, float16/32/64), pandas Series
    (nullable dtypes: missing -> NaN), lists and tuples. Raises TypeError for anything
    that is not an array of real numbers, ValueError for a wrong number of dimensions.
    """
    if isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a 1-D array or Series, got a DataFrame")
    if isinstance(value, pd.Series):
        try:
            arr = value.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}") from exc
    elif isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a sequence of real numbers") from exc
    else:
        raise TypeError(f"{name} must be a numpy array, pandas Series or list, "
                        f"got {type(value).__name__}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    kind = arr.dtype.kind
    if kind not in "fiub":
        if kind == "O":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{name} must hold real numbers, got objects") from exc
        else:
            raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.float64)


def as_int_array(value, name: str) -> np.ndarray:
    """``value`` as a 1-D C-contiguous int64 array; floats must be whole numbers."""
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            raise ValueError(f"{name} must hold whole numbers")
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return np.ascontiguousarray(arr, dtype=np.int64)


def same_length(arrays: Mapping[str, np.ndarray]) -> int:
    """The common length of ``arrays``; ValueError naming them when they differ."""
    lengths = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise ValueError(f"input arrays have different lengths: {detail}")
    return next(iter(lengths.values()), 0)


def as_int_param(value, name: str, lo: int, hi: int, default: int | None = None) -> int:
    """An integer parameter within ``[lo, hi]``.

    Whole-valued floats are accepted; ``INT_MIN`` (TA-Lib's default marker) gives
    ``default``. TypeError for non-integers, ValueError outside the range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if not isinstance(value, numbers.Integral):
        if not float(value).is_integer():
            raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value == INT_MIN and default is not None:
        return default
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def as_float_param(value, name: str, lo: float = -np.inf, hi: float = np.inf) -> float:
    """A finite real parameter within ``[lo, hi]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a finite number between {lo} and {hi}, got {value}")
    return value
