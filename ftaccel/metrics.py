"""Freqtrade's performance metrics (``freqtrade.data.metrics``), compiled.

Each public function has the signature, defaults, return type and exceptions of the
Freqtrade function of the same name (every public function of ``freqtrade.data.metrics``);
:data:`FUNCTIONS` maps them to their references. Neither Freqtrade nor scipy is needed at
run time: the p-value's Student-t tail is computed by our own incomplete beta kernel.

Array building blocks, for users who hold arrays rather than trade frames:
:func:`drawdown_series` (cumulative profit, high-water mark, drawdown, relative drawdown),
:func:`max_drawdown_indices` (rows of the max drawdown), :func:`daily_returns` (returns of
the last balance per calendar day) and :func:`timeframe_to_resample_freq`.

pandas semantics kept on purpose: sums in numpy's pairwise order and deviations in
bottleneck's two-pass order (as pandas computes them), ``sort_values``' unstable quicksort
order for trades with equal dates, resample bins anchored at midnight of the first day,
Kahan-compensated bin sums, and ``pct_change`` without filling (NaN changes skipped).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from pandas.core.sorting import nargsort

from . import _backend
from . import _pandas as _pd
from ._inputs import as_float_array, as_float_param

#: public function -> the Freqtrade function it reproduces
FUNCTIONS = {
    "calculate_max_drawdown": "freqtrade.data.metrics.calculate_max_drawdown",
    "calculate_csum": "freqtrade.data.metrics.calculate_csum",
    "calculate_cagr": "freqtrade.data.metrics.calculate_cagr",
    "calculate_expectancy": "freqtrade.data.metrics.calculate_expectancy",
    "calculate_sqn": "freqtrade.data.metrics.calculate_sqn",
    "calculate_sharpe": "freqtrade.data.metrics.calculate_sharpe",
    "calculate_sortino": "freqtrade.data.metrics.calculate_sortino",
    "calculate_calmar": "freqtrade.data.metrics.calculate_calmar",
    "calculate_underwater": "freqtrade.data.metrics.calculate_underwater",
    "calculate_sharpe_from_balance": "freqtrade.data.metrics.calculate_sharpe_from_balance",
    "calculate_sortino_from_balance": "freqtrade.data.metrics.calculate_sortino_from_balance",
    "calculate_calmar_from_balance": "freqtrade.data.metrics.calculate_calmar_from_balance",
    "calculate_max_drawdown_from_balance":
        "freqtrade.data.metrics.calculate_max_drawdown_from_balance",
    "calculate_market_change": "freqtrade.data.metrics.calculate_market_change",
    "create_cum_profit": "freqtrade.data.metrics.create_cum_profit",
    "combine_dataframes_by_column": "freqtrade.data.metrics.combine_dataframes_by_column",
    "combined_dataframes_with_rel_mean":
        "freqtrade.data.metrics.combined_dataframes_with_rel_mean",
    "combine_dataframes_with_mean": "freqtrade.data.metrics.combine_dataframes_with_mean",
    "calculate_p_value": "freqtrade.data.metrics.calculate_p_value",
}

log = logging.getLogger(__name__)


_family = None


def _fam():
    """The metrics :class:`~ftaccel._backend.Family` (looked up once, on first use)."""
    global _family
    if _family is None:
        _family = _backend.family("metrics")
    return _family


_col = _pd.col


def _float_col(frame, name):
    """Column ``name`` as a C-contiguous float64 array (no copy for a float64 column)."""
    values = _pd.float_col(frame, name)
    if values is not None:
        return values
    values = _col(frame, name)
    if type(values) is np.ndarray:
        if values.dtype == _F8 and values.flags.c_contiguous:
            return values
        return as_float_array(values, name)
    if isinstance(values, pd.DataFrame):
        return as_float_array(values, name)
    return as_float_array(pd.Series(values, copy=False), name)


def _date_order(dates):
    """``sort_values``' quicksort order of a date column's values; None when already
    strictly increasing (then the order is the identity)."""
    if isinstance(dates, pd.arrays.DatetimeArray):
        m8 = dates._ndarray
        if m8.shape[0] < 2:
            return None
        i8 = m8.view(np.int64)
        if i8[0] != _NAT and (i8[1:] > i8[:-1]).all():
            return None  # NaT is the smallest int64: a strictly rising run has none
        if not np.isnat(m8).any():
            return np.argsort(m8, kind="quicksort")
    return nargsort(dates, kind="quicksort")


_NAT = np.iinfo(np.int64).min
_F8 = np.dtype(np.float64)

try:  # pandas >= 3: blocks in, frame out, without the constructor's inference
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - older pandas
    _from_blocks = None


@functools.lru_cache(maxsize=64)
def _columns(names):
    """The column Index of ``names`` (built once: string Index creation is slow)."""
    return pd.Index(list(names))


def _block_array(values):
    """``values`` (one column) in the shape a pandas block of it holds."""
    if isinstance(values, np.ndarray):
        return values.reshape(1, -1)
    if isinstance(values, pd.arrays.DatetimeArray) and values.tz is None:
        return values._ndarray.reshape(1, -1)
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        return values.to_numpy().reshape(1, -1)
    return values


def _make_frame(floats, names, extra, index):
    """DataFrame of the float64 rows of ``floats`` named ``names`` followed by the
    ``extra`` ``(name, values)`` columns: the frame the pandas constructor would build
    from the same columns, without its per-column inference cost."""
    columns = list(names) + [name for name, _ in extra]
    if _from_blocks is not None:
        k = len(names)
        blocks = [(floats, np.arange(k))]
        blocks += [(_block_array(v), np.array([k + i])) for i, (_, v) in enumerate(extra)]
        cols = (_columns(tuple(columns)) if all(type(c) is str for c in columns)
                else pd.Index(columns))
        return _from_blocks(blocks, index=index, columns=cols)
    data = dict(zip(names, floats))
    data.update(extra)
    return pd.DataFrame(data, index=index)


# -- array building blocks ---------------------------------------------------------------
def drawdown_series(profit, starting_balance: float = 0.0):
    """Drawdown series of a profit sequence (in trade order), as Freqtrade computes it.

    Returns ``(cumulative, high_value, drawdown, drawdown_relative)``, each of
    ``len(profit) + 1`` float64 values: a leading zero row, then one per trade.
    ``high_value`` is the running maximum of ``cumulative`` floored at 0; ``drawdown`` is
    ``cumulative - high_value`` (<= 0, in profit units); ``drawdown_relative`` is the
    drop as a fraction of the peak balance (``starting_balance + high_value``), or of
    ``high_value`` when ``starting_balance`` is 0 (then NaN while no profit was made).
    NaN profits give NaN rows and are skipped.
    """
    profit = as_float_array(profit, "profit")
    starting_balance = as_float_param(starting_balance, "starting_balance")
    return _fam().call("drawdown_series", profit, starting_balance)


def max_drawdown_indices(profit, starting_balance: float = 0.0, relative: bool = False):
    """Rows of the max drawdown in :func:`drawdown_series` of ``profit``: ``(high, low)``.

    ``low`` is the first row of the deepest drawdown (by absolute drawdown, or by relative
    drawdown when ``relative``), ``high`` the first row of the highest high-water mark up
    to it. Rows count Freqtrade's leading zero row, so row ``i`` is trade ``i - 1``.
    NaN rows are skipped; -1 when every row is NaN.
    """
    profit = as_float_array(profit, "profit")
    starting_balance = as_float_param(starting_balance, "starting_balance")
    fam = _fam()
    _, high, drawdown, rel = fam.call("drawdown_series", profit, starting_balance)
    n = profit.shape[0] + 1
    low = fam.call("argmax_skipnan", rel, n) if relative else fam.call(
        "argmin_skipnan", drawdown, n)
    return int(fam.call("argmax_skipnan", high, low + 1)), int(low)


def daily_returns(dates, balance):
    """Day-over-day returns of the last ``balance`` of each calendar day.

    ``dates``: datetime64 values (or a datetime Series / DatetimeIndex; time-zone aware
    ones use their wall-clock days) sorted ascending, without NaT; ``balance``: float
    values, same length, without NaN. Returns ``last[d] / last[d-1] - 1`` over the days
    with data, the NaN ones (``0 / 0``) dropped: the series Freqtrade's
    ``calculate_*_from_balance`` ratios use. Fewer than two days give an empty array.
    """
    balance = as_float_array(balance, "balance")
    values = pd.DatetimeIndex(dates)
    if values.tz is not None:
        values = values.tz_localize(None)
    if values.shape[0] != balance.shape[0]:
        raise ValueError(f"dates and balance differ in length: {values.shape[0]} and "
                         f"{balance.shape[0]}")
    if values.hasnans or np.isnan(balance).any():
        raise ValueError("dates and balance must not hold NaT / NaN")
    ticks = np.ascontiguousarray(values.asi8)
    if ticks.shape[0] > 1 and (ticks[1:] < ticks[:-1]).any():
        raise ValueError("dates must be sorted ascending")
    return _fam().call("daily_returns", ticks, balance, _TICKS_PER_DAY[values.unit])


# -- Freqtrade drop-ins --------------------------------------------------------------------
@dataclass()
class DrawDownResult:
    """Same fields and defaults as ``freqtrade.data.metrics.DrawDownResult``."""

    drawdown_abs: float = 0.0
    high_date: pd.Timestamp = None
    low_date: pd.Timestamp = None
    high_value: float = 0.0
    low_value: float = 0.0
    relative_account_drawdown: float = 0.0
    current_high_date: pd.Timestamp = None
    current_high_value: float = 0.0
    current_drawdown_abs: float = 0.0
    current_relative_account_drawdown: float = 0.0


def _drawdown_result(date_of, order, profit, starting_balance, relative):
    """DrawDownResult of ``profit`` (already in ``order``); ``date_of(i)`` is row i's date."""
    fam = _fam()
    cumulative, high, drawdown, rel = fam.call("drawdown_series", profit,
                                               float(starting_balance or 0.0))
    n = profit.shape[0] + 1
    idx = (fam.call("argmax_skipnan", rel, n) if relative
           else fam.call("argmin_skipnan", drawdown, n))
    high_idx = fam.call("argmax_skipnan", high, idx + 1)
    current_high_idx = fam.call("argmax_skipnan", high, n - 1)

    def date_at(row):  # row of the series (0 = the zero row) -> date of that trade
        row = max(row - 1, 0)
        return date_of(row if order is None else order[row])

    return DrawDownResult(
        drawdown_abs=abs(float(drawdown[idx])),
        high_date=date_at(high_idx),
        low_date=date_at(idx),
        high_value=float(cumulative[high_idx]),
        low_value=float(cumulative[idx]),
        relative_account_drawdown=float(rel[idx]),
        current_high_date=date_at(current_high_idx),
        current_high_value=float(high[-1]),
        current_drawdown_abs=float(high[-1] - cumulative[-1]),
        current_relative_account_drawdown=float(rel[-1]),
    )


def calculate_max_drawdown(
    trades: pd.DataFrame,
    *,
    date_col: str = "close_date",
    value_col: str = "profit_abs",
    starting_balance: float = 0,
    relative: bool = False,
) -> DrawDownResult:
    """Max drawdown and current drawdown with their dates, as Freqtrade computes them.

    :param trades: DataFrame with ``date_col`` and ``value_col`` columns
    :param starting_balance: portfolio starting balance, for the relative drawdown
    :param relative: pick the maximum by relative rather than absolute drawdown
    :raise ValueError: "Trade dataframe empty." for an empty frame
    """
    if len(trades) == 0:
        raise ValueError("Trade dataframe empty.")
    dates = _col(trades, date_col)
    values = _float_col(trades, value_col)
    order = _date_order(dates)
    profit = values if order is None else values[order]
    return _drawdown_result(dates.__getitem__, order, profit, starting_balance, relative)


def calculate_csum(trades: pd.DataFrame, starting_balance: float = 0) -> tuple[float, float]:
    """Min and max of the cumulative ``profit_abs`` plus ``starting_balance``.

    :raise ValueError: "Trade dataframe empty." for an empty frame
    """
    if len(trades) == 0:
        raise ValueError("Trade dataframe empty.")
    lo, hi = _fam().call("csum_min_max", _float_col(trades, "profit_abs"))
    return lo + starting_balance, hi + starting_balance


def calculate_cagr(days_passed: int, starting_balance: float, final_balance: float) -> float:
    """Compound annual growth rate; 0 (an int, as in Freqtrade) when undefined or overflowing."""
    if (final_balance < 0) or (starting_balance <= 0) or (days_passed <= 0):
        return 0
    try:
        return (final_balance / starting_balance) ** (1 / (days_passed / 365)) - 1
    except OverflowError:
        return 0


def calculate_expectancy(trades: pd.DataFrame) -> tuple[float, float]:
    """Expectancy and expectancy ratio of ``profit_abs``; ``(0.0, 100.0)`` without trades."""
    expectancy = 0.0
    expectancy_ratio = 100.0
    n = len(trades)
    if n > 0:
        profit = _float_col(trades, "profit_abs")
        profit_sum, nwin, loss_sum, nloss = _fam().call("win_loss_sums", profit)
        nwin, nloss = int(nwin), int(nloss)
        profit_sum = np.float64(profit_sum)  # pandas' sums are numpy scalars
        loss_sum = abs(np.float64(loss_sum))
        average_win = (profit_sum / nwin) if nwin > 0 else 0
        average_loss = (loss_sum / nloss) if nloss > 0 else 0
        winrate = nwin / n
        loserate = nloss / n
        expectancy = (winrate * average_win) - (loserate * average_loss)
        if average_loss > 0:
            expectancy_ratio = ((1 + average_win / average_loss) * winrate) - 1
    return expectancy, expectancy_ratio


def _returns(trades, starting_balance):
    profit = _float_col(trades, "profit_abs")
    with np.errstate(divide="ignore", invalid="ignore"):
        return profit, profit / starting_balance


def _nansum(x):  # pandas' sum: NaN as 0, numpy's pairwise summation
    return _fam().call("pairwise_sum", x)


_SQRT_365 = math.sqrt(365)  # the same double as np.sqrt(365)


def _annualized(mean, denominator):
    if denominator != 0 and not math.isnan(denominator):
        return float(mean / denominator * _SQRT_365)
    return -100.0


def calculate_sqn(trades: pd.DataFrame, starting_balance: float) -> float:
    """System Quality Number of ``profit_abs / starting_balance``, rounded to 4 places."""
    n = len(trades)
    if n == 0:
        return 0.0
    total, count, std = (_family or _fam()).call(
        "returns_stats", _float_col(trades, "profit_abs"), float(starting_balance), 1, 0)
    average = total / count if count else np.nan
    if std != 0 and std == std:
        return _round4(math.sqrt(n) * (average / std))
    return -100.0  # round(-100.0, 4)


def _round4(x):
    """``round(np.float64(x), 4)`` as numpy computes it (``rint(x * 1e4) / 1e4``, halves to
    even), without numpy's scalar round overhead; returns an np.float64 as it does."""
    y = x * 10000.0
    if math.isfinite(y):
        y = math.copysign(float(round(y)), y)
    return np.float64(y / 10000.0)


def _days(min_date, max_date):
    """``max(1, (max_date - min_date).days)`` without building a Timedelta when both are
    Timestamps of the same kind (both naive or both aware)."""
    if type(min_date) is _Timestamp and type(max_date) is _Timestamp:
        tz = min_date.tzinfo
        if tz is max_date.tzinfo or (tz is None) == (max_date.tzinfo is None):
            days = (max_date.value - min_date.value) // 86_400_000_000_000
            return days if days > 1 else 1
    return max(1, (max_date - min_date).days)


_Timestamp = pd.Timestamp


def _period_days(min_date, max_date):
    """0 when ``min_date == max_date`` (Freqtrade's ratios are then 0), else
    ``max(1, (max_date - min_date).days)``; one look at the two dates for Timestamps."""
    if type(min_date) is _Timestamp and type(max_date) is _Timestamp:
        tz = min_date.tzinfo
        if tz is max_date.tzinfo or (tz is None) == (max_date.tzinfo is None):
            delta = max_date.value - min_date.value  # ns: equal instants, equal values
            if delta == 0:
                return 0
            days = delta // 86_400_000_000_000
            return days if days > 1 else 1
    if min_date == max_date:
        return 0
    return max(1, (max_date - min_date).days)


def _ratio_inputs(trades, min_date, max_date):
    return (len(trades) == 0) or (min_date is None) or (max_date is None) or (
        min_date == max_date)


def calculate_sharpe(trades: pd.DataFrame, min_date, max_date,
                     starting_balance: float) -> float:
    """Annualized Sharpe ratio of the trades over ``max_date - min_date`` days."""
    if (len(trades) == 0) or (min_date is None) or (max_date is None):
        return 0
    days_period = _period_days(min_date, max_date)
    if days_period == 0:
        return 0
    total, _, std = (_family or _fam()).call(
        "returns_stats", _float_col(trades, "profit_abs"), float(starting_balance), 0, 0)
    mean = total / days_period
    if std != 0 and std == std:
        return float(mean / std * _SQRT_365)
    return -100.0


def calculate_sortino(trades: pd.DataFrame, min_date, max_date,
                      starting_balance: float) -> float:
    """Annualized Sortino ratio of the trades over ``max_date - min_date`` days."""
    if (len(trades) == 0) or (min_date is None) or (max_date is None):
        return 0
    days_period = _period_days(min_date, max_date)
    if days_period == 0:
        return 0
    total, _, std = (_family or _fam()).call(
        "returns_stats", _float_col(trades, "profit_abs"), float(starting_balance), 0, 1)
    mean = total / days_period
    if std != 0 and std == std:
        return float(mean / std * _SQRT_365)
    return -100.0


def calculate_calmar(trades: pd.DataFrame, min_date, max_date,
                     starting_balance: float) -> float:
    """Annualized Calmar ratio: daily return (in %) over the relative max drawdown."""
    if _ratio_inputs(trades, min_date, max_date):
        return 0.0
    # pandas' sum is a numpy scalar: a zero starting balance gives +-inf / NaN, not an error
    total_profit = np.float64(_nansum(_float_col(trades, "profit_abs"))) / starting_balance
    days_period = _days(min_date, max_date)
    mean = total_profit / days_period * 100
    try:
        drawdown = calculate_max_drawdown(trades, value_col="profit_abs",
                                          starting_balance=starting_balance)
    except ValueError:
        return 0.0
    return _annualized(mean, drawdown.relative_account_drawdown)


def calculate_underwater(trades: pd.DataFrame, *, date_col: str = "close_date",
                         value_col: str = "profit_ratio", starting_balance: float = 0.0):
    """Freqtrade's drawdown frame: a zero row, then one row per trade in date order.

    :raise ValueError: "Trade dataframe empty." for an empty frame
    """
    if len(trades) == 0:
        raise ValueError("Trade dataframe empty.")
    dates = _col(trades, date_col)
    values = _float_col(trades, value_col)
    order = _date_order(dates)
    if order is None:
        profit = values
        rows = np.zeros(len(values) + 1, dtype=np.intp)
        rows[1:] = np.arange(len(values))
    else:
        profit = values[order]
        rows = np.concatenate(([order[0]], order))
    series = _fam().call("drawdown_series", profit, float(starting_balance or 0.0))
    floats = np.empty((4, rows.shape[0]))
    for i, column in enumerate(series):
        floats[i] = column
    return _make_frame(floats, ("cumulative", "high_value", "drawdown", "drawdown_relative"),
                       [("date", dates.take(rows))], pd.RangeIndex(rows.shape[0]))


# -- balance histories -------------------------------------------------------------------
_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000,
                  "ns": 86_400_000_000_000}


def _wallet(balance_history, date_col, balance_col):
    """Freqtrade's ``_prepare_balance_history`` as arrays, or None when nothing is left.

    Returns ``(dates, pos, balance)``: the date column's array, the positions of the kept
    rows (date and balance not missing) in date order (the same quicksort as
    ``sort_values``) and their balances as float64.
    """
    if (len(balance_history) == 0 or date_col not in balance_history
            or balance_col not in balance_history):
        return None
    dates = balance_history[date_col].array
    balance = as_float_array(balance_history[balance_col], balance_col)
    keep = ~(np.asarray(pd.isna(dates)) | np.isnan(balance))
    if keep.all():
        pos = np.arange(len(balance))
    else:
        pos = np.flatnonzero(keep)
        if pos.shape[0] == 0:
            return None
        dates_kept = dates.take(pos)
    order = nargsort(dates if keep.all() else dates_kept, kind="quicksort")
    pos = pos[order]
    return dates, pos, np.ascontiguousarray(balance[pos])


def _resort(dates, pos):
    """Positions after one more ``sort_values`` of the already sorted rows ``pos``."""
    order = nargsort(dates.take(pos), kind="quicksort")
    return pos[order]


def _daily_returns(dates, pos, balance):
    """Day-over-day returns of the last balance per calendar day (Freqtrade's series)."""
    sub = dates.take(pos)
    if isinstance(sub, pd.arrays.DatetimeArray):
        if sub.tz is not None:
            sub = sub.tz_localize(None)  # calendar days of the wall clock, as resample
        return _fam().call("daily_returns", np.ascontiguousarray(sub.asi8), balance,
                           _TICKS_PER_DAY[sub.unit])
    # other date types: pandas raises (or resamples) exactly as Freqtrade's code does
    daily = pd.Series(balance, index=pd.Index(sub)).resample("1D").last().dropna()
    if len(daily) < 2:
        return np.empty(0)
    return np.ascontiguousarray(daily.pct_change().dropna().to_numpy(dtype=float))


def calculate_sharpe_from_balance(
    balance_history: pd.DataFrame,
    date_col: str = "date",
    balance_col: str = "total_quote",
) -> float:
    """Annualized Sharpe ratio of the daily returns of a balance history.

    The last balance of each calendar day (rows with a missing date or balance dropped)
    gives the daily returns; ``mean / std(ddof=0) * sqrt(365)``, -100.0 for a zero or NaN
    deviation, 0.0 with fewer than two days of data or missing columns.
    """
    wallet = _wallet(balance_history, date_col, balance_col)
    if wallet is None:
        return 0.0
    returns = _daily_returns(*wallet)
    if returns.shape[0] == 0:
        return 0.0
    mean = _nansum(returns) / returns.shape[0]
    return _annualized(mean, _fam().call("nanstd", returns, 0))


def calculate_sortino_from_balance(
    balance_history: pd.DataFrame,
    date_col: str = "date",
    balance_col: str = "total_quote",
) -> float:
    """Annualized Sortino ratio of the daily returns of a balance history.

    As :func:`calculate_sharpe_from_balance`, with the deviation (ddof=0) of the negative
    daily returns only.
    """
    wallet = _wallet(balance_history, date_col, balance_col)
    if wallet is None:
        return 0.0
    returns = _daily_returns(*wallet)
    if returns.shape[0] == 0:
        return 0.0
    mean = _nansum(returns) / returns.shape[0]
    down = np.ascontiguousarray(returns[returns < 0])
    return _annualized(mean, _fam().call("nanstd", down, 0))


def _max_drawdown_of_wallet(dates, pos, balance, relative):
    diffs = np.empty_like(balance)
    diffs[0] = 0.0
    np.subtract(balance[1:], balance[:-1], out=diffs[1:])
    order = nargsort(dates.take(pos), kind="quicksort")  # calculate_max_drawdown's sort
    profit = np.ascontiguousarray(diffs[order])
    return _drawdown_result(lambda i: dates[pos[i]], order, profit, float(balance[0]),
                            relative)


def calculate_max_drawdown_from_balance(
    balance_history: pd.DataFrame,
    date_col: str = "date",
    balance_col: str = "total_quote",
    relative: bool = False,
) -> DrawDownResult:
    """Max drawdown of a balance history (its changes as profits, its first balance as the
    starting balance), as :func:`calculate_max_drawdown`.

    :raise ValueError: "Balance-history dataframe empty." with fewer than two usable rows
    """
    wallet = _wallet(balance_history, date_col, balance_col)
    if wallet is None or wallet[1].shape[0] < 2:
        raise ValueError("Balance-history dataframe empty.")
    return _max_drawdown_of_wallet(*wallet, relative)


def calculate_calmar_from_balance(
    balance_history: pd.DataFrame,
    date_col: str = "date",
    balance_col: str = "total_quote",
) -> float:
    """Annualized Calmar ratio of a balance history: daily return (in %) over the
    relative max drawdown; 0.0 with fewer than two usable rows."""
    wallet = _wallet(balance_history, date_col, balance_col)
    if wallet is None or wallet[1].shape[0] < 2:
        return 0.0
    dates, pos, balance = wallet
    starting_balance = float(balance[0])
    final_balance = float(balance[-1])
    days_period = max(1, (dates[pos[-1]] - dates[pos[0]]).days)
    total_profit = (final_balance - starting_balance) / starting_balance
    mean = total_profit / days_period * 100
    pos2 = _resort(dates, pos)  # the drawdown prepares (sorts) the wallet once more
    drawdown = _max_drawdown_of_wallet(dates, pos2, _take_by_pos(balance, pos, pos2), False)
    return _annualized(mean, drawdown.relative_account_drawdown)


def _take_by_pos(values, pos, pos2):
    """``values`` (aligned with ``pos``) reordered to follow ``pos2`` (a permutation)."""
    where = np.empty(int(pos.max()) + 1, dtype=np.intp)
    where[pos] = np.arange(pos.shape[0])
    return np.ascontiguousarray(values[where[pos2]])


# -- p-value -----------------------------------------------------------------------------
def calculate_p_value(trades: pd.DataFrame, starting_balance: float) -> float:
    """Two-sided p-value of a one-sample t-test that the mean ``profit_abs /
    starting_balance`` is zero (Student's t tail computed here, no scipy).

    1.0 with fewer than two trades or a zero deviation; NaN when a return is NaN.
    """
    if len(trades) < 2:
        return 1.0
    _, returns = _returns(trades, starting_balance)
    fam = _fam()
    if fam.call("nanstd", returns, 1) == 0:
        return 1.0
    n = returns.shape[0]
    if np.isnan(returns).any():
        return float("nan")
    with np.errstate(all="ignore"):
        mean = returns.mean()
        var = np.mean((returns - mean) ** 2) * (n / (n - 1.0))
        t = float(mean / np.sqrt(var / n))
    return float(fam.call("student_t_two_sided", t, float(n - 1)))


# -- market and pair frames ----------------------------------------------------------------
def calculate_market_change(data: dict[str, pd.DataFrame], column: str = "close",
                            min_date=None) -> float:
    """Mean over the pairs of ``(last - first) / first`` of the first and last non-NaN
    ``column`` values (of the rows dated ``>= min_date``); 0.0 without any pair.

    A pair without rows (after ``min_date``) is skipped with a warning; a pair whose
    values are all NaN raises IndexError, as in Freqtrade.
    """
    changes = []
    fam = _fam()
    every_row = np.zeros(0, dtype=np.uint8)
    for pair, df in data.items():
        if min_date is not None:
            keep = _on_or_after(df, min_date)
            empty = df.shape[1] == 0 or not keep.any()
            keep = keep.view(np.uint8)
        else:
            keep = every_row
            empty = df.empty
        if empty:
            log.warning(f"Pair {pair} has no data after {min_date}.")
            continue
        status, start, end = fam.call("first_last_valid", _float_col(df, column), keep)
        if status != 2.0:
            raise IndexError("single positional indexer is out-of-bounds")
        with np.errstate(divide="ignore", invalid="ignore"):
            changes.append((np.float64(end) - start) / np.float64(start))
    if not changes:
        return 0.0
    return float(np.mean(changes))


def _on_or_after(df, min_date):
    """``(df["date"] >= min_date).to_numpy()``; for datetime columns compared on the
    integer ticks (NaT never qualifies), for anything else by pandas itself."""
    dates = _col(df, "date")
    if (isinstance(dates, pd.arrays.DatetimeArray) and isinstance(min_date, datetime)
            and (dates.tz is None) == (min_date.tzinfo is None)):
        stamp = pd.Timestamp(min_date)
        if stamp.tzinfo is not None and dates.tz is None:
            stamp = None
        if stamp is not None:
            per = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}[dates.unit]
            threshold = -((-stamp.value) // per)  # ticks >= threshold <=> date >= min_date
            return dates._ndarray.view(np.int64) >= threshold
    return np.asarray(df["date"] >= min_date, dtype=bool)


def _column_series(df, column, pair):
    """``df.set_index("date").rename({column: pair}, axis=1)[pair]`` without the copy."""
    if column == "date" or column not in df.columns or pair in df.columns or (
            "date" not in df.columns):
        return df.set_index("date").rename({column: pair}, axis=1)[pair]
    return pd.Series(df[column].array, index=pd.Index(df["date"].array, name="date"),
                     name=pair, copy=False)


def _aligned_matrix(data, column):
    """(date index, pairs x candles float64 matrix) when every frame has the same dates and
    a float64 ``column`` and no column named like a pair; None otherwise."""
    first = next(iter(data.values()))
    if column == "date" or not isinstance(first, pd.DataFrame):
        return None
    dates = _col(first, "date") if "date" in first.columns else None
    if not isinstance(dates, pd.arrays.DatetimeArray):
        return None
    m8 = dates._ndarray
    mat = np.empty((len(data), m8.shape[0]))
    for i, (pair, df) in enumerate(data.items()):
        if not isinstance(df, pd.DataFrame) or pair in df.columns or (
                not df.columns.is_unique):
            return None
        try:
            other = _col(df, "date")
            values = _col(df, column)
        except KeyError:
            return None
        if not (isinstance(values, np.ndarray) and values.dtype == np.float64):
            return None
        if other is not dates:
            if not (isinstance(other, pd.arrays.DatetimeArray) and other.dtype == dates.dtype
                    and np.array_equal(other._ndarray.view(np.int64), m8.view(np.int64))):
                return None
        mat[i] = values
    return pd.Index(dates, name="date"), mat


def _frame(index, mat, names):
    return _make_frame(mat, names, [], index)


def combine_dataframes_by_column(data: dict[str, pd.DataFrame],
                                 column: str = "close") -> pd.DataFrame:
    """One column per pair (named by the dict key) of ``column``, indexed by ``date``
    (outer join of the pairs' dates).

    :raise ValueError: "No data provided." for an empty dict
    """
    if not data:
        raise ValueError("No data provided.")
    aligned = _aligned_matrix(data, column)
    if aligned is not None:
        return _frame(*aligned, data.keys())
    return pd.concat([_column_series(df, column, pair) for pair, df in data.items()], axis=1)


def combine_dataframes_with_mean(data: dict[str, pd.DataFrame],
                                 column: str = "close") -> pd.DataFrame:
    """:func:`combine_dataframes_by_column` plus a ``mean`` column (mean over the pairs,
    NaN skipped).

    :raise ValueError: "No data provided." for an empty dict
    """
    if not data:
        raise ValueError("No data provided.")
    aligned = _aligned_matrix(data, column)
    if aligned is None:
        comb = combine_dataframes_by_column(data, column)
        return pd.concat([comb, comb.mean(axis=1).rename("mean")], axis=1)
    index, mat = aligned
    names = list(data.keys())
    if "mean" in names:
        comb = _frame(index, mat, names)
        return pd.concat([comb, comb.mean(axis=1).rename("mean")], axis=1)
    full = np.empty((mat.shape[0] + 1, mat.shape[1]))
    full[:-1] = mat
    full[-1] = _fam().call("pairs_mean", mat)
    return _frame(index, full, names + ["mean"])


def combined_dataframes_with_rel_mean(data: dict[str, pd.DataFrame], fromdt, todt,
                                      column: str = "close") -> pd.DataFrame:
    """Per candle in ``[fromdt, todt)``: ``mean`` of the pairs' ``column``, ``rel_mean``
    (cumulative sum of the mean relative change over the pairs, 0 where none) and
    ``count`` of pairs with a value.

    :raise ValueError: "No data provided." for an empty dict
    """
    if not data:
        raise ValueError("No data provided.")
    aligned = _aligned_matrix(data, column)
    if aligned is None:
        comb = combine_dataframes_by_column(data, column)
        comb = comb.iloc[(comb.index >= fromdt) & (comb.index < todt)]
        return pd.DataFrame({
            "mean": comb.mean(axis=1),
            "rel_mean": comb.pct_change().mean(axis=1).fillna(0).cumsum(),
            "count": comb.count(axis=1),
        })
    index, mat = aligned
    keep = np.asarray((index >= fromdt) & (index < todt))
    if not keep.all():
        index = index[keep]
        mat = np.ascontiguousarray(mat[:, keep])
    mean, rel, count = _fam().call("pairs_mean_relmean_count", mat)
    floats = np.empty((2, mean.shape[0]))
    floats[0] = mean
    floats[1] = rel
    return _make_frame(floats, ("mean", "rel_mean"), [("count", count.astype(np.int64))],
                       index)


# -- cumulative profit on candles ----------------------------------------------------------
_TF_SCALE = {"y": 31_536_000, "M": 2_592_000, "w": 604_800, "d": 86_400, "h": 3_600,
             "m": 60, "s": 1}


def timeframe_to_resample_freq(timeframe: str) -> str:
    """pandas resample frequency of a Freqtrade timeframe (``"5m"`` -> ``"300s"``).

    :raise ValueError: for a timeframe whose unit is not one of y M w d h m s
    """
    if timeframe == "1y":
        return "1YS"
    amount = int(timeframe[0:-1])
    unit = timeframe[-1]
    if unit not in _TF_SCALE:
        raise ValueError(f"timeframe unit {unit} is not supported")
    seconds = amount * _TF_SCALE[unit]
    minutes = seconds // 60
    freq = f"{seconds}s"
    if 10000 < minutes < 43200:
        freq = "1W-MON"
    elif 43200 <= minutes < 525600:
        freq = f"{timeframe}S"
    elif minutes > 43200:
        freq = timeframe
    return freq


def _utc_or_naive(arr):
    return isinstance(arr, pd.arrays.DatetimeArray) and (
        arr.tz is None or str(arr.tz) in ("UTC", "Etc/UTC"))


def create_cum_profit(df: pd.DataFrame, trades: pd.DataFrame, col_name: str,
                      timeframe: str) -> pd.DataFrame:
    """Add ``col_name`` to ``df`` (date index): the cumulative ``profit_abs`` of the
    trades, summed per ``timeframe`` bin of ``close_date``, read on the candle dates,
    0 on the first candle and forward-filled. Modifies and returns ``df``.

    :raise ValueError: "Trade dataframe empty." for an empty trades frame
    """
    if len(trades) == 0:
        raise ValueError("Trade dataframe empty.")
    freq = timeframe_to_resample_freq(timeframe)
    close = trades["close_date"].array
    index = df.index.array
    fast = (freq.endswith("s") and freq[:-1].isdigit() and col_name not in df.columns
            and _utc_or_naive(close) and _utc_or_naive(index) and len(df) > 0
            and (close.tz is None) == (index.tz is None) and not pd.isna(close).any())
    if not fast:
        sums = trades.resample(freq, on="close_date")[["profit_abs"]].sum()
        df.loc[:, col_name] = sums["profit_abs"].cumsum()
        df.loc[df.iloc[0].name, col_name] = 0
        df[col_name] = df[col_name].ffill()
        return df
    close_ns = np.ascontiguousarray(close.as_unit("ns").asi8)
    index_ns = np.ascontiguousarray(index.as_unit("ns").asi8)
    step = int(freq[:-1]) * 1_000_000_000
    day = _TICKS_PER_DAY["ns"]
    tmin = int(close_ns.min())
    origin = (tmin // day) * day  # resample's origin "start_day": midnight of the first day
    first = origin + ((tmin - origin) // step) * step
    profit = as_float_array(trades["profit_abs"], "profit_abs")
    df[col_name] = _fam().call("cum_profit_on_index", index_ns, close_ns, profit, first, step)
    return df
