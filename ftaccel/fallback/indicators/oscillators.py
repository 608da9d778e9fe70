"""numpy/pandas versions of ``ftaccel.kernels.indicators.oscillators``."""

import numpy as np

from ._common import _nan_head
from .overlap import _lookback as _ma_lookback
from .overlap import _ma_at


def _ema_k(real, start, timeperiod, k):
    """EMA with factor ``k`` seeded by the mean of ``timeperiod`` rows from ``start``.

    A recursive filter, so a Python loop over TA-Lib's ``(x - prev) * k + prev`` (with
    k = 1, the case that matters, pandas' ewm returns x itself instead of that rounding).
    """
    n = real.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    prev = sum(x[start : first + 1], 0.0) / timeperiod
    values = [prev]
    for v in x[first + 1 :]:
        prev = (v - prev) * k + prev
        values.append(prev)
    out[first:] = values
    return out


def _macd(real, start, fastperiod, slowperiod, signalperiod, fixed):
    n = real.shape[0]
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
    k_slow, k_fast = (0.075, 0.15) if fixed else (2.0 / (slowperiod + 1), 2.0 / (fastperiod + 1))
    macd_first = start + slowperiod - 1
    first = macd_first + signalperiod - 1
    if first >= n:
        return tuple(np.full(n, np.nan) for _ in range(3))
    slow = _ema_k(real, start, slowperiod, k_slow)
    fast = _ema_k(real, start + slowperiod - fastperiod, fastperiod, k_fast)
    with np.errstate(invalid="ignore"):
        line = fast - slow
        if signalperiod == 1:  # TA-Lib's EMA of period 1 is its input
            signal = line.copy()
        else:
            signal = _ema_k(line, macd_first, signalperiod, 2.0 / (signalperiod + 1))
        hist = line - signal
    for a in (line, signal, hist):
        a[:first] = np.nan
    return line, signal, hist


def macd(real, start, fastperiod, slowperiod, signalperiod):
    return _macd(real, start, fastperiod, slowperiod, signalperiod, False)


def macdfix(real, start, signalperiod):
    return _macd(real, start, 12, 26, signalperiod, True)


def macdext(real, start, fastperiod, fastmatype, slowperiod, slowmatype, signalperiod,
            signalmatype):
    n = real.shape[0]
    fastmatype, slowmatype, signalmatype = (0 if t == 11 else t
                                            for t in (fastmatype, slowmatype, signalmatype))
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
        fastmatype, slowmatype = slowmatype, fastmatype
    lb_fast = _ma_lookback(fastperiod, fastmatype)
    lb_slow = _ma_lookback(slowperiod, slowmatype)
    macd_first = start + max(lb_fast, lb_slow)
    first = macd_first + _ma_lookback(signalperiod, signalmatype)
    if first >= n:
        return tuple(np.full(n, np.nan) for _ in range(3))
    slow = _ma_at(real, macd_first - lb_slow, slowperiod, slowmatype, start)
    fast = _ma_at(real, macd_first - lb_fast, fastperiod, fastmatype, start)
    with np.errstate(invalid="ignore"):
        line = fast - slow
        line[:macd_first] = np.nan
        signal = _ma_at(line, macd_first, signalperiod, signalmatype, macd_first)
        hist = line - signal
    for a in (line, signal, hist):
        a[:first] = np.nan
    return line, signal, hist


def _po(real, start, fastperiod, slowperiod, matype, percent):
    n = real.shape[0]
    matype = 1 if matype == 11 else matype
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
    first = start + _ma_lookback(slowperiod, matype)
    if first >= n:
        return np.full(n, np.nan)
    fast = _ma_at(real, start, fastperiod, matype, start)
    slow = _ma_at(real, start, slowperiod, matype, start)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if percent:
            zero = np.abs(slow) < 1e-14
            out = np.where(zero, 0.0, ((fast - slow) / np.where(zero, 1.0, slow)) * 100.0)
        else:
            out = fast - slow
    out[:first] = np.nan
    return out


def apo(real, start, fastperiod, slowperiod, matype):
    return _po(real, start, fastperiod, slowperiod, matype, False)


def ppo(real, start, fastperiod, slowperiod, matype):
    return _po(real, start, fastperiod, slowperiod, matype, True)


def trix(real, start, timeperiod):
    n = real.shape[0]
    k = 2.0 / (timeperiod + 1)
    lb = timeperiod - 1
    first = start + 3 * lb + 1
    if first >= n:
        return np.full(n, np.nan)
    e1 = _ema_k(real, start, timeperiod, k)
    e2 = _ema_k(e1, start + lb, timeperiod, k)
    e3 = _ema_k(e2, start + 2 * lb, timeperiod, k)
    prev, cur = e3[first - 1 : n - 1], e3[first:]
    out = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out[first:] = np.where(prev != 0.0, (cur / np.where(prev != 0.0, prev, 1.0) - 1.0) * 100.0,
                               0.0)
    return out


def _fastk_scan(high, low, close, start, fastk_period):
    # TA-Lib's incremental extreme tracking, whose NaN handling a rolling max/min
    # does not reproduce (a NaN never wins a comparison but sticks when a rescan starts
    # on it); only used when the window data are not all finite.
    n = high.shape[0]
    first = start + fastk_period - 1
    out = _nan_head(n, first)
    hi, lo, cl = high.tolist(), low.tolist(), close.tolist()
    trailing = start
    lowest_idx = highest_idx = -1
    highest = lowest = 0.0
    for today in range(first, n):
        if lowest_idx < trailing:
            lowest_idx, lowest = trailing, lo[trailing]
            for i in range(trailing + 1, today + 1):
                if lo[i] < lowest:
                    lowest_idx, lowest = i, lo[i]
        elif lo[today] <= lowest:
            lowest_idx, lowest = today, lo[today]
        if highest_idx < trailing:
            highest_idx, highest = trailing, hi[trailing]
            for i in range(trailing + 1, today + 1):
                if hi[i] > highest:
                    highest_idx, highest = i, hi[i]
        elif hi[today] >= highest:
            highest_idx, highest = today, hi[today]
        diff = highest - lowest
        if not abs(diff) <= 1e-14 * (abs(highest) + abs(lowest)):
            with np.errstate(invalid="ignore", divide="ignore"):
                out[today] = ((cl[today] - lowest) / diff) * 100.0
        else:
            out[today] = 0.0
        trailing += 1
    return out


def _fastk(high, low, close, start, fastk_period):
    n = high.shape[0]
    first = start + fastk_period - 1
    if first >= n:
        return np.full(n, np.nan)
    if not (np.isfinite(high[start:]).all() and np.isfinite(low[start:]).all()):
        return _fastk_scan(high, low, close, start, fastk_period)
    highest = np.lib.stride_tricks.sliding_window_view(high[start:], fastk_period).max(axis=1)
    lowest = np.lib.stride_tricks.sliding_window_view(low[start:], fastk_period).min(axis=1)
    diff = highest - lowest
    flat = np.abs(diff) <= 1e-14 * (np.abs(highest) + np.abs(lowest))
    out = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out[first:] = np.where(flat, 0.0,
                               ((close[first:] - lowest) / np.where(flat, 1.0, diff)) * 100.0)
    return out


def _stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype):
    n = high.shape[0]
    fastd_matype = 0 if fastd_matype == 11 else fastd_matype
    k_first = start + fastk_period - 1
    first = k_first + _ma_lookback(fastd_period, fastd_matype)
    if first >= n:
        return np.full(n, np.nan), np.full(n, np.nan)
    raw = _fastk(high, low, close, start, fastk_period)
    d = _ma_at(raw, k_first, fastd_period, fastd_matype, k_first)
    raw[:first] = np.nan
    d[:first] = np.nan
    return raw, d


def stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype):
    return _stochf(high, low, close, start, fastk_period, fastd_period, fastd_matype)


def stoch(high, low, close, start, fastk_period, slowk_period, slowk_matype, slowd_period,
          slowd_matype):
    n = high.shape[0]
    slowk_matype = 0 if slowk_matype == 11 else slowk_matype
    slowd_matype = 0 if slowd_matype == 11 else slowd_matype
    k_first = start + fastk_period - 1
    sk_first = k_first + _ma_lookback(slowk_period, slowk_matype)
    first = sk_first + _ma_lookback(slowd_period, slowd_matype)
    if first >= n:
        return np.full(n, np.nan), np.full(n, np.nan)
    raw = _fastk(high, low, close, start, fastk_period)
    sk = _ma_at(raw, k_first, slowk_period, slowk_matype, k_first)
    sd = _ma_at(sk, sk_first, slowd_period, slowd_matype, sk_first)
    sk[:first] = np.nan
    sd[:first] = np.nan
    return sk, sd


def _rsi(real, start, timeperiod):
    # TA-Lib's Wilder recurrence, step for step: STOCHRSI's %K amplifies the last-bit
    # differences a vectorised RSI leaves (a range of 1e-14 is 0 or 100 percent)
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    x = real.tolist()
    inv = 1.0 / timeperiod
    keep = timeperiod - 1.0
    gain = loss = 0.0
    for i in range(start + 1, first + 1):
        diff = x[i] - x[i - 1]
        up = diff if diff > 0.0 else 0.0
        gain += up
        loss += up - diff
    loss *= inv
    gain *= inv
    values = []
    for i in range(first, n):
        if i > first:
            diff = x[i] - x[i - 1]
            loss *= keep
            gain *= keep
            up = diff if diff > 0.0 else 0.0
            gain += up
            loss += up - diff
            loss *= inv
            gain *= inv
        total = gain + loss
        values.append(100.0 * (gain / total) if total > 0.0 else 0.0)
    out[first:] = values
    return out


def stochrsi(real, start, timeperiod, fastk_period, fastd_period, fastd_matype):
    n = real.shape[0]
    if start + timeperiod >= n:
        return np.full(n, np.nan), np.full(n, np.nan)
    r = _rsi(real, start, timeperiod)
    return _stochf(r, r, r, start + timeperiod, fastk_period, fastd_period, fastd_matype)
