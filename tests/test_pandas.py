"""The pandas objects the facades build from blocks equal pandas' public constructors."""

import numpy as np
import pandas as pd
import pytest

from ftaccel import _pandas

INDEXES = {
    "range": lambda n: pd.RangeIndex(n),
    "offset range": lambda n: pd.RangeIndex(10, 10 + 2 * n, 2),
    "strings": lambda n: pd.Index([f"r{i}" for i in range(n)]),
    "duplicates": lambda n: pd.Index(np.arange(n) // 2),
    "tz datetimes": lambda n: pd.date_range("2024-01-01", periods=n, freq="5min", tz="UTC",
                                            name="date"),
}


@pytest.mark.parametrize("make", INDEXES.values(), ids=list(INDEXES))
@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_])
@pytest.mark.parametrize("name", [None, "close", 3])
def test_series_equals_public_constructor(make, dtype, name):
    for n in (0, 1, 7):
        values = np.arange(n).astype(dtype)
        got = _pandas.series(values.copy(), make(n), name)
        expected = pd.Series(values.copy(), index=make(n), name=name)
        pd.testing.assert_series_equal(got, expected, check_exact=True)
        assert type(got) is pd.Series
        if n:
            got.iloc[0] = got.iloc[-1]  # an ordinary Series: writable
            got.name = "renamed"
            assert got.name == "renamed"


@pytest.mark.parametrize("make", INDEXES.values(), ids=list(INDEXES))
def test_frame_equals_column_stack(make):
    for n in (0, 1, 9):
        arrays = (np.arange(n, dtype=np.float64), np.arange(n, dtype=np.int32) * 2,
                  np.full(n, np.nan))
        columns = _pandas.labels("a", "b", "c")
        got = _pandas.frame(make(n), columns, *arrays)
        expected = pd.DataFrame(np.column_stack(arrays), index=make(n), columns=["a", "b", "c"])
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got._mgr.nblocks == 1
        got["d"] = 1.0
        got.loc[got.index[:1], "a"] = -1.0
        pd.testing.assert_frame_equal(_pandas.frame(make(n), columns, *arrays), expected,
                                      check_exact=True)


def test_labels_are_cached_and_immutable():
    assert _pandas.labels("x", "y") is _pandas.labels("x", "y")
    with pytest.raises(TypeError):
        _pandas.labels("x", "y")[0] = "z"
    # frames share the labels' data, not the Index object: naming one axis names one
    first = _pandas.frame(pd.RangeIndex(2), _pandas.labels("x", "y"), np.ones(2), np.ones(2))
    first.columns.name = "renamed"
    second = _pandas.frame(pd.RangeIndex(2), _pandas.labels("x", "y"), np.ones(2), np.ones(2))
    assert second.columns.name is None and _pandas.labels("x", "y").name is None


def test_column_reads():
    df = pd.DataFrame({"f": [1.0, 2.0], "i": [1, 2], "o": ["a", "b"]})
    assert np.shares_memory(_pandas.float_col(df, "f"), df._mgr.iget_values(0))  # no copy
    np.testing.assert_array_equal(_pandas.float_col(df, "f"), [1.0, 2.0])
    assert _pandas.float_col(df, "i") is None
    assert _pandas.float_col(df, "missing") is None
    assert _pandas.float_col({"f": np.ones(2)}, "f") is None
    dup = pd.DataFrame(np.ones((2, 2)), columns=["f", "f"])
    assert _pandas.float_col(dup, "f") is None
    assert isinstance(_pandas.col(dup, "f"), pd.DataFrame)
    np.testing.assert_array_equal(_pandas.col(df, "i"), [1, 2])
    with pytest.raises(KeyError):
        _pandas.col(df, "missing")
    # the position cache follows a new column Index under the same name
    swapped = df[["i", "f"]]
    np.testing.assert_array_equal(_pandas.float_col(swapped, "f"), [1.0, 2.0])
    np.testing.assert_array_equal(_pandas.float_col(df, "f"), [1.0, 2.0])
