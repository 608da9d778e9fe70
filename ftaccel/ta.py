"""TA-Lib compatible indicators, compiled ahead of time.

``import ftaccel.ta as ta`` serves strategies written for ``talib`` and ``talib.abstract``:

* function form: ``ta.SMA(close, timeperiod=30)`` with ndarrays (-> ndarray) or pandas
  Series (-> Series with the input's index); several outputs come back as a tuple in
  TA-Lib's order;
* DataFrame form (TA-Lib's abstract API): ``ta.RSI(dataframe)`` reads the default columns
  (``close``; ``high, low, close``; ...) and returns a Series, or a DataFrame named by
  TA-Lib's outputs (``macd, macdsignal, macdhist``). ``price=``/``price0=``/``price1=``/
  ``prices=`` pick other columns. A dict of arrays gives arrays.

NaN: TA-Lib's rule. Rows before the first row where no input is NaN are skipped; the
first ``lookback`` computed rows are NaN; a NaN inside the data propagates as TA-Lib's C
code propagates it. Inputs are coerced to float64 (int, float32, lists accepted); a bad
period raises ValueError, a non-integer one TypeError, input arrays of different lengths
ValueError.

Every function is one row of :data:`FUNCTIONS`:
``ftaccel/_ta/<group>.py`` holds the rows; the kernels are in
``ftaccel/kernels/indicators/<group>.py``, their numpy twins in
``ftaccel/fallback/indicators/<group>.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import _backend
from . import _pandas as _pd
from ._inputs import as_float_array, same_length
from ._ta import (  # noqa: F401  (Param: part of the table's interface)
    Indicator,
    Param,
    cycle,
    mathops,
    momentum,
    oscillators,
    overlap,
    price,
    statistic,
    volatility,
    volume,
)

GROUP_MODULES = (overlap, oscillators, momentum, volume, volatility, statistic, price, mathops,
                 cycle)
#: every indicator, in TA-Lib's group order within each group module
FUNCTIONS: tuple[Indicator, ...] = tuple(row for m in GROUP_MODULES for row in m.ROWS)
BY_NAME = {f.name: f for f in FUNCTIONS}


def _split_call(ind: Indicator, args, kwargs):
    """Bind a call to (input arrays, params dict, index, frame?) in either call form."""
    kwargs = dict(kwargs)
    n_in = len(ind.inputs)
    index = None
    if args and isinstance(args[0], (pd.DataFrame, Mapping)):
        source, rest = args[0], args[1:]
        columns = [col for _, col in ind.inputs]
        if "prices" in kwargs:
            columns = list(kwargs.pop("prices"))
            if len(columns) != n_in:
                raise ValueError(f"{ind.name}: prices must name {n_in} columns")
        for i, key in enumerate(("price", "price0", "price1")):
            if key in kwargs:
                pos = 0 if key == "price" else i - 1
                if pos >= n_in:
                    raise TypeError(f"{ind.name}() got an unexpected keyword argument {key!r}")
                columns[pos] = kwargs.pop(key)
        missing = [c for c in columns if c not in source]
        if missing:
            raise ValueError(f"{ind.name}: input data has no column(s) {missing}")
        frame = isinstance(source, pd.DataFrame)
        if frame:  # float64 columns straight from their blocks (frame[c] costs ~14 us)
            raw = [_pd.float_col(source, c) for c in columns]
            raw = [source[c] if r is None else r for r, c in zip(raw, columns)]
            index = source.index
        else:
            raw = [source[c] for c in columns]
    else:
        raw = list(args[:n_in])
        rest = args[n_in:]
        for name, _ in ind.inputs[len(raw):]:
            if name not in kwargs:
                raise TypeError(f"{ind.name}() missing required input {name!r}")
            raw.append(kwargs.pop(name))
        frame = False
        for r in raw:
            if isinstance(r, pd.Series):
                index = r.index
                break
    if len(rest) > len(ind.params):
        raise TypeError(f"{ind.name}() takes {n_in + len(ind.params)} arguments, got "
                        f"{n_in + len(rest)}")
    values = {p.name: p.default for p in ind.params}
    for p, v in zip(ind.params, rest):
        values[p.name] = v
    for key, v in kwargs.items():
        if key not in values:
            raise TypeError(f"{ind.name}() got an unexpected keyword argument {key!r}")
        if any(p.name == key for p in ind.params[: len(rest)]):
            raise TypeError(f"{ind.name}() got multiple values for argument {key!r}")
        values[key] = v
    params = {p.name: p.coerce(values[p.name]) for p in ind.params}
    arrays = [as_float_array(r, name) for r, (name, _) in zip(raw, ind.inputs)]
    same_length(dict(zip((name for name, _ in ind.inputs), arrays)))
    return arrays, params, index, frame


def run(ind: Indicator, *args, **kwargs):
    """Call indicator ``ind`` with TA-Lib's function or abstract (DataFrame) arguments."""
    arrays, params, index, frame = _split_call(ind, args, kwargs)
    fam = _backend.family("indicators")
    start = fam.call(f"first_valid{len(arrays)}", *arrays)
    result = fam.call(ind.kernel, *arrays, start, *params.values())
    outputs = result if isinstance(result, tuple) else (result,)
    if ind.int_outputs:
        outputs = tuple(o.astype(np.int32, copy=False) if name in ind.int_outputs else o
                        for name, o in zip(ind.outputs, outputs))
    if frame:
        if len(outputs) == 1:
            return _pd.series(outputs[0], index)
        return _pd.frame(index, _pd.labels(*ind.outputs), *outputs)  # TA-Lib's column_stack
    if index is not None:
        outputs = tuple(_pd.series(o, index) for o in outputs)
    return outputs[0] if len(outputs) == 1 else outputs


def lookback(name: str, **params) -> int:
    """Rows of NaN TA-Lib's ``name`` puts before its first value (after leading NaNs)."""
    ind = BY_NAME[name]
    values = {p.name: p.default for p in ind.params}
    values.update(params)
    return ind.lookback(**{p.name: p.coerce(values[p.name]) for p in ind.params})


_F8 = np.dtype(np.float64)


def _make(ind: Indicator):
    n_in = len(ind.inputs)
    first_valid = f"first_valid{n_in}"
    kernel = ind.kernel
    defaults = {p.name: p.default for p in ind.params}
    default_values = tuple(defaults.values())
    params_by_name = {p.name: p for p in ind.params}
    cast = tuple(name in ind.int_outputs for name in ind.outputs)
    single = len(ind.outputs) == 1
    fam = _backend.family("indicators")

    def function(*args, **kwargs):
        # Fast path for plain 1-D C-contiguous float64 arrays (or float64 Series) of one
        # length, what a live bot passes every candle: no conversion, only given
        # parameters checked.
        if len(args) == n_in:
            index = None
            arrays = args
            if type(args[0]) is pd.Series:  # float64 Series: their values, the 1st's index
                index = args[0].index
                arrays = [a._values if type(a) is pd.Series else a for a in args]
            n = arrays[0].shape[0] if type(arrays[0]) is np.ndarray else -1
            for a in arrays:
                if (type(a) is not np.ndarray or a.dtype is not _F8 or a.ndim != 1
                        or a.shape[0] != n or not a.flags.c_contiguous):
                    break
            else:
                if not kwargs:
                    values = default_values
                elif kwargs.keys() <= defaults.keys():
                    given = dict(defaults)
                    for key, v in kwargs.items():
                        prm = params_by_name[key]
                        if not (type(v) is int and prm.kind == "int" and prm.lo <= v <= prm.hi):
                            v = prm.coerce(v)
                        given[key] = v
                    values = tuple(given.values())
                else:
                    return run(ind, *args, **kwargs)
                result = fam.call(kernel, *arrays, fam.call(first_valid, *arrays), *values)
                if single:
                    out = result.astype(np.int32, copy=False) if cast[0] else result
                    return out if index is None else _pd.series(out, index)
                outs = tuple(o.astype(np.int32, copy=False) if c else o
                             for o, c in zip(result, cast))
                return outs if index is None else tuple(_pd.series(o, index) for o in outs)
        return run(ind, *args, **kwargs)

    sig = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
           for name, _ in ind.inputs]
    sig += [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.default)
            for p in ind.params]
    function.__signature__ = inspect.Signature(sig)
    function.__name__ = function.__qualname__ = ind.name
    function.__module__ = __name__
    bounds = ", ".join(f"{p.name} in [{p.lo}, {p.hi}] (default {p.default})" for p in ind.params)
    columns = ", ".join(col for _, col in ind.inputs)
    function.__doc__ = (
        f"{ind.summary} ({ind.group}), as {ind.reference}.\n\n"
        f"Inputs: {', '.join(n for n, _ in ind.inputs)} (DataFrame columns: {columns}).\n"
        f"Parameters: {bounds or 'none'}.\n"
        f"Outputs: {', '.join(ind.outputs)}. Lookback at the defaults: "
        f"{ind.lookback(**{p.name: p.default for p in ind.params})} rows (see lookback())."
    )
    return function


for _ind in FUNCTIONS:
    globals()[_ind.name] = _make(_ind)
del _ind

__all__ = [f.name for f in FUNCTIONS] + ["FUNCTIONS", "lookback", "get_functions"]


def get_functions() -> list[str]:
    """Names of all indicators, as ``talib.get_functions()``."""
    return [f.name for f in FUNCTIONS]
