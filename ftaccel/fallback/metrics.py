"""numpy/pandas versions of the metrics kernels (see ``ftaccel.kernels.metrics``)."""

import math

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


def daily_returns(dates, balance, day):
    days = np.floor_divide(dates, day)
    if days.shape[0] == 0:
        return np.empty(0)
    last_of_day = np.append(days[1:] != days[:-1], True)
    daily = balance[last_of_day]
    if daily.shape[0] < 2:
        return np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = daily[1:] / daily[:-1] - 1.0
    return np.ascontiguousarray(r[~np.isnan(r)])


def first_last_valid(values, keep):
    if keep.shape[0]:
        values = values[keep.astype(bool)]
    if values.shape[0] == 0:
        return 0.0, np.nan, np.nan
    valid = values[~np.isnan(values)]
    if valid.shape[0] == 0:
        return 1.0, np.nan, np.nan
    return 2.0, float(valid[0]), float(valid[-1])


def pairs_mean(mat):
    frame = pd.DataFrame(mat.T)
    return np.ascontiguousarray(frame.mean(axis=1).to_numpy(dtype=float))


def pairs_mean_relmean_count(mat):
    frame = pd.DataFrame(mat.T)
    mean = frame.mean(axis=1).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = frame.pct_change().mean(axis=1).fillna(0).cumsum().to_numpy(dtype=float)
    count = frame.count(axis=1).to_numpy(dtype=float)
    return tuple(np.ascontiguousarray(a) for a in (mean, rel, count))


def cum_profit_on_index(index, close, profit, first, freq):
    bins = (close - first) // freq
    sums = pd.Series(profit).groupby(bins).sum()  # pandas' compensated sum, NaN as 0
    cumulative = np.zeros(int(bins.max()) + 1)
    cumulative[sums.index.to_numpy()] = sums.to_numpy()
    cumulative = np.cumsum(cumulative)
    d = index - first
    on_bin = (d >= 0) & (d % freq == 0) & (d // freq < cumulative.shape[0])
    out = np.full(index.shape[0], np.nan)
    out[on_bin] = cumulative[d[on_bin] // freq]
    if index.shape[0]:
        out[index == index[0]] = 0.0
    return pd.Series(out).ffill().to_numpy()


def _betacf(a, b, x):
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (tiny if abs(d) < tiny else d)
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                   -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (tiny if abs(d) < tiny else d)
            c = 1.0 + aa / c
            c = tiny if abs(c) < tiny else c
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc_reg(a, b, x, y):
    if math.isnan(a) or math.isnan(b) or math.isnan(x) or math.isnan(y):
        return math.nan
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x) if x < 0.5
                     else lbeta + a * math.log1p(-y) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def student_t_two_sided(t, df):
    if math.isnan(t) or math.isnan(df) or df <= 0.0:
        return math.nan
    if math.isinf(t):
        return 0.0
    t2 = t * t
    return min(betainc_reg(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2)), 1.0)


def returns_stats(profit, starting_balance, ddof, downside):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = profit / starting_balance
    nan = np.isnan(r)
    total = float(np.where(nan, 0.0, r).sum())
    if downside:
        return total, np.nan, nanstd(r[profit < 0], ddof)
    return total, float((~nan).sum()), nanstd(r, ddof)


def pairwise_sum(values):
    return float(np.where(np.isnan(values), 0.0, values).sum())
