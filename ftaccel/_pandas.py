"""Fast reads of DataFrame columns and fast builders of the pandas objects the facades
return.

pandas' public paths cost several times a short kernel: ``frame["close"]`` about 14 µs,
``pd.Series(values, index=index)`` about 12 µs, a DataFrame from a dict of columns about
140 µs and an Index of a few column names about 60 µs (pandas 3, string labels). The
builders here assemble the same objects from their blocks in 1-10 µs. Each one is
checked once, at first use, against the public constructor on probe data
(``assert_series_equal``/``assert_frame_equal``, exact); a pandas whose internals differ
gets the public constructors instead, never a different object.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

_F8 = np.dtype(np.float64)


def col(frame, name):
    """``frame[name]``'s values (ndarray or pandas array) without building a Series.

    Anything unusual (duplicate or missing names, not a DataFrame) goes through
    ``frame[name]``, with its errors; a duplicated name gives that DataFrame.
    """
    try:
        loc = frame.columns.get_loc(name)
        if type(loc) is int:
            return frame._mgr.iget_values(loc)
    except Exception:  # noqa: BLE001 - frame[name] below raises pandas' own error
        pass
    column = frame[name]
    return column if isinstance(column, pd.DataFrame) else column.array


#: column name -> (the column Index last seen, its position there). An Index is immutable
#: and the entry keeps it alive, so the same Index object means the same position.
_positions: dict = {}


def float_col(frame, name):
    """Column ``name`` of a DataFrame as its C-contiguous float64 ndarray (no copy), or
    None when it is anything else (another dtype, a duplicated or missing name, not a
    DataFrame): the caller then takes its general path."""
    try:
        columns = frame.columns
        hit = _positions.get(name)
        if hit is not None and hit[0] is columns:
            loc = hit[1]
        else:
            loc = columns.get_loc(name)
            if type(loc) is not int:
                return None
            _positions[name] = (columns, loc)
        values = frame._mgr.iget_values(loc)
    except Exception:  # noqa: BLE001 - the general path raises pandas' own error
        return None
    if type(values) is np.ndarray and values.dtype == _F8 and values.flags.c_contiguous:
        return values
    return None


def _public_series(values, index, name=None):
    return pd.Series(values, index=index, name=name, copy=False)


def _public_frame(index, columns, *arrays):
    return pd.DataFrame(np.column_stack(arrays) if arrays else np.empty((len(index), 0)),
                        index=index, columns=columns)


@functools.cache
def _builders():
    """(series, frame) builders: from blocks when this pandas passes the probes."""
    try:
        from pandas._libs.internals import BlockPlacement
        from pandas.core.generic import NDFrame
        from pandas.core.internals import BlockManager, SingleBlockManager
        from pandas.core.internals.blocks import new_block

        new = object.__new__
        setattr_ = object.__setattr__

        def series(values, index, name=None):
            block = new_block(values, BlockPlacement(slice(0, len(values))), ndim=1)
            out = new(pd.Series)
            NDFrame.__init__(out, SingleBlockManager(block, index))
            setattr_(out, "_name", name)
            return out

        def frame(index, columns, *arrays):
            values = np.empty((len(arrays), len(index)))
            for row, arr in zip(values, arrays):
                row[:] = arr
            block = new_block(values, BlockPlacement(slice(0, len(arrays))), ndim=2)
            out = new(pd.DataFrame)
            NDFrame.__init__(out, BlockManager((block,), [columns, index]))
            return out

        check = functools.partial(pd.testing.assert_series_equal, check_exact=True)
        for probe, index, name in (
                (np.arange(3.0), pd.RangeIndex(3), "x"),
                (np.array([True, False]), pd.Index([5, 7]), None),
                (np.arange(2, dtype=np.int32), pd.DatetimeIndex(["2024-01-01"] * 2), 3)):
            got = series(probe.copy(), index, name)
            check(got, _public_series(probe.copy(), index, name))
            if type(got) is not pd.Series or got.name != name:
                raise TypeError("Series built from blocks differs")
        columns = pd.Index(["a", "b"])
        index = pd.RangeIndex(4)
        arrays = (np.arange(4.0), np.arange(4, dtype=np.int32))
        got = frame(index, columns, *arrays)
        pd.testing.assert_frame_equal(got, _public_frame(index, columns, *arrays),
                                      check_exact=True)
        if type(got) is not pd.DataFrame or got._mgr.nblocks != 1:
            raise TypeError("DataFrame built from blocks differs")
        got["c"] = 1.0  # the frame must take new columns like any other
        return series, frame
    except Exception:  # pragma: no cover - a pandas whose internals differ
        return _public_series, _public_frame


def series(values, index, name=None):
    """``pd.Series(values, index=index, name=name, copy=False)`` for a fresh 1-D array of
    the index's length (the Series owns it)."""
    return _builders()[0](values, index, name)


def frame(index, columns, *arrays):
    """A DataFrame of float64 columns in one block (as ``np.column_stack``), ``columns``
    an Index (see :func:`labels`) of ``len(arrays)`` names. The frame gets its own view of
    that Index, so renaming its columns' axis leaves every other frame alone."""
    return _builders()[1](index, columns._view(), *arrays)


@functools.cache
def labels(*names) -> pd.Index:
    """The column Index of ``names``, built once (an Index is immutable, so returned
    frames may share it)."""
    return pd.Index(list(names))
