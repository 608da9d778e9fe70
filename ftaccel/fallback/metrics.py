"""numpy/pandas versions of the metrics kernels (see ``ftaccel.kernels.metrics``)."""

import numpy as np
import pandas as pd


def drawdown_series(profit, starting_balance):
    cumulative = pd.Series(profit).cumsum()
    high = np.maximum(0.0, cumulative.cummax()).to_numpy()
    cumulative = cumulative.to_numpy()
    drawdown = cumulative - high
    with np.errstate(divide="ignore", invalid="ignore"):
        if starting_balance:
            top = starting_balance + high
            relative = (top - (starting_balance + cumulative)) / top
        else:
            relative = (high - cumulative) / high
    zero = np.zeros(1)
    return tuple(np.concatenate((zero, a)) for a in (cumulative, high, drawdown, relative))


def argmax_skipnan(values, stop):
    head = values[:stop]
    if np.isnan(head).all():
        return -1
    return int(np.nanargmax(head))


def argmin_skipnan(values, stop):
    head = values[:stop]
    if np.isnan(head).all():
        return -1
    return int(np.nanargmin(head))


def csum_min_max(profit):
    cumulative = pd.Series(profit, dtype=float).cumsum()
    return float(cumulative.min()), float(cumulative.max())


def win_loss_sums(profit):
    profit = np.asarray(profit, dtype=float)
    win = profit[profit > 0]
    loss = profit[profit < 0]
    return float(win.sum()), float(len(win)), float(loss.sum()), float(len(loss))


def nanstd(values, ddof):
    return float(pd.Series(values, dtype=float).std(ddof=ddof))
