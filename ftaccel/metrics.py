"""Freqtrade's performance metrics (``freqtrade.data.metrics``), compiled.

Each public function has the signature, defaults, return type and exceptions of the
Freqtrade function of the same name; :data:`FUNCTIONS` maps them to their references.
The array building blocks below serve users who hold arrays rather than trade frames.
Freqtrade is not needed at run time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.core.sorting import nargsort

from . import _backend
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
}


def _fam():
    return _backend.family("metrics")


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
    dates = trades[date_col]
    order = nargsort(dates.array, kind="quicksort")
    profit = as_float_array(trades[value_col].to_numpy()[order], value_col)
    fam = _fam()
    cumulative, high, drawdown, rel = fam.call("drawdown_series", profit,
                                               float(starting_balance or 0.0))
    n = profit.shape[0] + 1
    idx = (fam.call("argmax_skipnan", rel, n) if relative
           else fam.call("argmin_skipnan", drawdown, n))
    high_idx = fam.call("argmax_skipnan", high, idx + 1)
    current_high_idx = fam.call("argmax_skipnan", high, n - 1)

    def date_at(row):  # row of the series (0 = the zero row) -> date of that trade
        return dates.iloc[order[max(row - 1, 0)]]

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


def calculate_csum(trades: pd.DataFrame, starting_balance: float = 0) -> tuple[float, float]:
    """Min and max of the cumulative ``profit_abs`` plus ``starting_balance``.

    :raise ValueError: "Trade dataframe empty." for an empty frame
    """
    if len(trades) == 0:
        raise ValueError("Trade dataframe empty.")
    profit = as_float_array(trades["profit_abs"].to_numpy(), "profit_abs")
    lo, hi = _fam().call("csum_min_max", profit)
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
        profit = as_float_array(trades["profit_abs"].to_numpy(), "profit_abs")
        profit_sum, nwin, loss_sum, nloss = _fam().call("win_loss_sums", profit)
        nwin, nloss = int(nwin), int(nloss)
        loss_sum = abs(loss_sum)
        average_win = (profit_sum / nwin) if nwin > 0 else 0
        average_loss = (loss_sum / nloss) if nloss > 0 else 0
        winrate = nwin / n
        loserate = nloss / n
        expectancy = (winrate * average_win) - (loserate * average_loss)
        if average_loss > 0:
            expectancy_ratio = ((1 + average_win / average_loss) * winrate) - 1
    return expectancy, expectancy_ratio


def _returns(trades, starting_balance):
    profit = as_float_array(trades["profit_abs"].to_numpy(), "profit_abs")
    with np.errstate(divide="ignore", invalid="ignore"):
        return profit, profit / starting_balance


def _nansum(x):  # pandas' sum: NaN as 0, numpy's pairwise summation
    nan = np.isnan(x)
    return float(np.where(nan, 0.0, x).sum() if nan.any() else x.sum())


def _annualized(mean, denominator):
    if denominator != 0 and not np.isnan(denominator):
        return float(mean / denominator * np.sqrt(365))
    return -100.0


def calculate_sqn(trades: pd.DataFrame, starting_balance: float) -> float:
    """System Quality Number of ``profit_abs / starting_balance``, rounded to 4 places."""
    if len(trades) == 0:
        return 0.0
    _, returns = _returns(trades, starting_balance)
    count = int((~np.isnan(returns)).sum())
    average = _nansum(returns) / count if count else np.nan
    std = _fam().call("nanstd", returns, 1)
    if std != 0 and not np.isnan(std):
        sqn = math.sqrt(len(trades)) * np.float64(average / std)
    else:
        sqn = -100.0
    return round(sqn, 4)


def _ratio_inputs(trades, min_date, max_date):
    return (len(trades) == 0) or (min_date is None) or (max_date is None) or (
        min_date == max_date)


def calculate_sharpe(trades: pd.DataFrame, min_date, max_date,
                     starting_balance: float) -> float:
    """Annualized Sharpe ratio of the trades over ``max_date - min_date`` days."""
    if _ratio_inputs(trades, min_date, max_date):
        return 0
    _, returns = _returns(trades, starting_balance)
    days_period = max(1, (max_date - min_date).days)
    mean = _nansum(returns) / days_period
    return _annualized(mean, _fam().call("nanstd", returns, 0))


def calculate_sortino(trades: pd.DataFrame, min_date, max_date,
                      starting_balance: float) -> float:
    """Annualized Sortino ratio of the trades over ``max_date - min_date`` days."""
    if _ratio_inputs(trades, min_date, max_date):
        return 0
    profit, returns = _returns(trades, starting_balance)
    days_period = max(1, (max_date - min_date).days)
    mean = _nansum(returns) / days_period
    down = np.ascontiguousarray(returns[profit < 0])
    return _annualized(mean, _fam().call("nanstd", down, 0))


def calculate_calmar(trades: pd.DataFrame, min_date, max_date,
                     starting_balance: float) -> float:
    """Annualized Calmar ratio: daily return (in %) over the relative max drawdown."""
    if _ratio_inputs(trades, min_date, max_date):
        return 0.0
    _, returns = _returns(trades, starting_balance)
    total_profit = _nansum(trades["profit_abs"].to_numpy(dtype=float)) / starting_balance
    days_period = max(1, (max_date - min_date).days)
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
    dates = trades[date_col]
    order = nargsort(dates.array, kind="quicksort")
    profit = as_float_array(trades[value_col].to_numpy()[order], value_col)
    cumulative, high, drawdown, rel = _fam().call("drawdown_series", profit,
                                                  float(starting_balance or 0.0))
    date = dates.iloc[np.concatenate(([order[0]], order))].reset_index(drop=True)
    return pd.DataFrame({"cumulative": cumulative, "high_value": high, "drawdown": drawdown,
                         "drawdown_relative": rel, "date": date})
