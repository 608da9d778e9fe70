"""numpy/pandas versions of ``ftaccel.kernels.indicators.momentum``."""

import numpy as np
import pandas as pd

from ._common import _nan_head
from .mathops import _block_extreme


def rsi(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    with np.errstate(invalid="ignore"):
        diff = np.diff(real[start:])
        gains = np.where(diff > 0.0, diff, 0.0)
        losses = gains - diff
    # Seed with the mean of the first `timeperiod` moves, then Wilder's smoothing
    # (an EMA with alpha = 1/timeperiod).
    seeded_g = np.concatenate(([gains[:timeperiod].sum() / timeperiod], gains[timeperiod:]))
    seeded_l = np.concatenate(([losses[:timeperiod].sum() / timeperiod], losses[timeperiod:]))
    alpha = 1.0 / timeperiod
    avg_g = pd.Series(seeded_g).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    avg_l = pd.Series(seeded_l).ewm(alpha=alpha, adjust=False).mean().to_numpy()
    total = avg_g + avg_l
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(total > 0.0, 100.0 * avg_g / total, 0.0)
    # A non-finite move makes TA-Lib's running averages NaN (or inf/inf): 0 from there on.
    bad = np.flatnonzero(~np.isfinite(diff))
    if bad.size:
        values[max(bad[0] - timeperiod + 1, 0) :] = 0.0
    out[first:] = values
    return out


def _shifted(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out, None, None, first
    return out, real[first:], real[start : n - timeperiod], first


def mom(real, start, timeperiod):
    out, cur, prev, first = _shifted(real, start, timeperiod)
    if cur is not None:
        with np.errstate(invalid="ignore", over="ignore"):
            out[first:] = cur - prev
    return out


def _ratio(real, start, timeperiod, func):
    out, cur, prev, first = _shifted(real, start, timeperiod)
    if cur is not None:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out[first:] = np.where(prev != 0.0, func(cur, np.where(prev != 0.0, prev, 1.0)), 0.0)
    return out


def roc(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: (c / p - 1.0) * 100.0)


def rocp(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: (c - p) / p)


def rocr(real, start, timeperiod):
    return _ratio(real, start, timeperiod, lambda c, p: c / p)


def bop(open_, high, low, close, start):
    n = open_.shape[0]
    out = _nan_head(n, start)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        t = high[start:] - low[start:]
        out[start:] = np.where(t <= 0.0, 0.0, (close[start:] - open_[start:]) / t)
    return out


# --- Directional movement ----------------------------------------------------------------


def _is_zero(x):
    """TA-Lib's zero test: exact zero, NaN included."""
    return ~((x > 0.0) | (x < 0.0))


def _dm_bars(high, low, close, start):
    """One-bar +DM, -DM and true range for rows ``start + 1 ..``."""
    with np.errstate(invalid="ignore", over="ignore"):
        h, lo = high[start + 1 :], low[start + 1 :]
        up = h - high[start:-1]
        down = low[start:-1] - lo
        minus = (down > 0.0) & (up < down)
        plus = ~minus & (up > 0.0) & (up > down)
        pc = close[start:-1]
        tr = h - lo
        for d in (np.abs(h - pc), np.abs(lo - pc)):
            tr = np.where(d > tr, d, tr)
    return np.where(plus, up, 0.0), np.where(minus, down, 0.0), tr, up, down


def _wilder_sums(bars, timeperiod):
    """Wilder's running sums: the plain sum of the first ``timeperiod - 1`` bars, then
    ``s - s / timeperiod + bar`` (a recursion, so a loop over Python floats)."""
    values = bars.tolist()
    s = 0.0
    for v in values[: timeperiod - 1]:
        s += v
    out = [s]
    for v in values[timeperiod - 1 :]:
        s = s - s / timeperiod + v
        out.append(s)
    return np.array(out)


def _dm_lookback(timeperiod, kind):
    if kind in ("plus_dm", "minus_dm"):
        return timeperiod - 1 if timeperiod > 1 else 1
    if kind in ("plus_di", "minus_di"):
        return timeperiod if timeperiod > 1 else 1
    return timeperiod if kind == "dx" else 2 * timeperiod - 1


def _directional(high, low, close, start, timeperiod, kind):
    n = high.shape[0]
    first = start + _dm_lookback(timeperiod, kind)
    out = _nan_head(n, first)
    if first >= n:
        return out
    pdm, mdm, tr, up, down = _dm_bars(high, low, close, start)
    if timeperiod == 1:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if kind == "plus_dm":
                out[start + 1 :] = pdm
            elif kind == "minus_dm":
                out[start + 1 :] = mdm
            else:
                dm = pdm if kind == "plus_di" else mdm
                out[start + 1 :] = np.where((dm != 0.0) & (tr != 0.0), dm / tr, 0.0)
        return out
    if kind == "plus_dm":
        out[first:] = _wilder_sums(pdm, timeperiod)
        return out
    if kind == "minus_dm":
        out[first:] = _wilder_sums(mdm, timeperiod)
        return out
    # DI/DX/ADX: the sums after one smoothing step are the first usable ones
    sp = _wilder_sums(pdm, timeperiod)[1:]
    sm = _wilder_sums(mdm, timeperiod)[1:]
    st = _wilder_sums(tr, timeperiod)[1:]
    base = start + timeperiod  # row of sp[0]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        trz = _is_zero(st)
        safe = np.where(trz, 1.0, st)
        if kind in ("plus_di", "minus_di"):
            out[first:] = np.where(trz, 0.0, 100.0 * ((sp if kind == "plus_di" else sm) / safe))
            return out
        mdi = 100.0 * (sm / safe)
        pdi = 100.0 * (sp / safe)
        tot = mdi + pdi
        ok = ~trz & ~_is_zero(tot)
        dx = np.where(ok, 100.0 * (np.abs(mdi - pdi) / np.where(ok, tot, 1.0)), 0.0)
    if kind == "dx":
        # an undefined DX repeats the previous one (0 at the first row)
        last = np.maximum.accumulate(np.where(ok, np.arange(dx.size), -1))
        out[first:] = np.where(last >= 0, dx[np.maximum(last, 0)], 0.0)
        return out
    p = timeperiod
    adx_seed = 0.0
    for v, good in zip(dx[:p].tolist(), ok[:p].tolist()):
        if good:
            adx_seed += v
    a = adx_seed / p
    values = [a]
    for v, good in zip(dx[p:].tolist(), ok[p:].tolist()):
        if good:
            a = (a * (p - 1.0) + v) / p
        values.append(a)
    assert base + p - 1 == first
    out[first:] = values
    return out


def plus_dm(high, low, start, timeperiod):
    return _directional(high, low, low, start, timeperiod, "plus_dm")


def minus_dm(high, low, start, timeperiod):
    return _directional(high, low, low, start, timeperiod, "minus_dm")


def plus_di(high, low, close, start, timeperiod):
    return _directional(high, low, close, start, timeperiod, "plus_di")


def minus_di(high, low, close, start, timeperiod):
    return _directional(high, low, close, start, timeperiod, "minus_di")


def dx(high, low, close, start, timeperiod):
    return _directional(high, low, close, start, timeperiod, "dx")


def adx(high, low, close, start, timeperiod):
    return _directional(high, low, close, start, timeperiod, "adx")


def adxr(high, low, close, start, timeperiod):
    a = adx(high, low, close, start, timeperiod)
    n = high.shape[0]
    first = start + 3 * timeperiod - 2
    out = _nan_head(n, first)
    if first < n:
        with np.errstate(invalid="ignore", over="ignore"):
            out[first:] = (a[first:] + a[first - timeperiod + 1 : n - timeperiod + 1]) / 2.0
    return out


# --- CCI, WILLR, CMO, MFI ----------------------------------------------------------------


def cci(high, low, close, start, timeperiod):
    n = high.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    p = timeperiod
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        tp = (high[start:] + low[start:] + close[start:]) / 3.0
        # TA-Lib sums its circular buffer from slot 0 (slot of row i: i % p): add the
        # window's rows in slot order, one column at a time, so the rounding is TA-Lib's.
        rows = np.arange(tp.size - p + 1)
        avg = np.zeros(rows.size)
        for j in range(p):
            avg += tp[rows + (j - rows) % p]
        avg /= p
        dev = np.zeros(rows.size)
        for j in range(p):
            dev += np.abs(tp[rows + (j - rows) % p] - avg)
        last = tp[p - 1 :]
        t = last - avg
        zero = (np.abs(t) <= 1e-14 * (np.abs(last) + np.abs(avg))) | (dev == 0.0)
        out[first:] = np.where(zero, 0.0, t / (0.015 * (np.where(zero, 1.0, dev) / p)))
    return out


def _tracked_extreme(x, start, first, strict_rescan):
    """TA-Lib's highest-value tracking over ``first - start + 1`` rows: the index of the
    tracked maximum for rows ``first ..``. A new row takes over on ``>=``; when the tracked
    index leaves the window, the window is rescanned from its oldest row (``>`` or ``>=``).
    NaN never compares true, so it stays only when a rescan starts on it."""
    vals = x.tolist()
    n = len(vals)
    idx = []
    trailing = start
    best_i = -1
    best = 0.0
    for today in range(first, n):
        if best_i < trailing:
            best_i = trailing
            best = vals[trailing]
            for i in range(trailing + 1, today + 1):
                v = vals[i]
                if v > best or (not strict_rescan and v == best):
                    best_i = i
                    best = v
        elif vals[today] >= best:
            best_i = today
            best = vals[today]
        idx.append(best_i)
        trailing += 1
    return np.array(idx, dtype=np.int64)


def willr(high, low, close, start, timeperiod):
    n = high.shape[0]
    first = start + timeperiod - 1
    out = _nan_head(n, first)
    if first >= n:
        return out
    hi = _block_extreme(high, start, timeperiod, 1.0)[first:]
    lo = _block_extreme(low, start, timeperiod, -1.0)[first:]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        rng = hi - lo
        zero = np.abs(rng) <= 1e-14 * (np.abs(hi) + np.abs(lo))
        v = ((hi - close[first:]) / np.where(zero, 1.0, rng)) * -100.0
        out[first:] = np.where(zero, 0.0, np.clip(v, -100.0, 0.0))
    return out


def cmo(real, start, timeperiod):
    n = real.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.diff(real[start:])
        gains = np.where(diff < 0.0, 0.0, diff)
        losses = np.where(diff < 0.0, -diff, 0.0)
    p = timeperiod
    seeded_g = np.concatenate(([gains[:p].sum() / p], gains[p:]))
    seeded_l = np.concatenate(([losses[:p].sum() / p], losses[p:]))
    avg_g = pd.Series(seeded_g).ewm(alpha=1.0 / p, adjust=False).mean().to_numpy()
    avg_l = pd.Series(seeded_l).ewm(alpha=1.0 / p, adjust=False).mean().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        tot = avg_g + avg_l
        zero = _is_zero(tot)
        values = np.where(zero, 0.0, 100.0 * ((avg_g - avg_l) / np.where(zero, 1.0, tot)))
    # From the first non-finite move on, pandas' NaN skipping and TA-Lib's running values
    # part ways: continue TA-Lib's recursion there step by step.
    bad = np.flatnonzero(~np.isfinite(diff))
    if bad.size:
        moves = diff.tolist()
        if bad[0] >= p:
            k = bad[0] - p + 1  # first entry of `values` past the seed that sees it
            g, lo_ = float(avg_g[k - 1]), float(avg_l[k - 1])
        else:
            k = 0
            g = lo_ = 0.0
            for d in moves[:p]:
                if d < 0.0:
                    lo_ -= d
                else:
                    g += d
            lo_ /= p
            g /= p
            values[0] = _cmo_value(g, lo_)
            k = 1
        for j in range(k, values.size):
            d = moves[j + p - 1]
            lo_ *= p - 1
            g *= p - 1
            if d < 0.0:
                lo_ -= d
            else:
                g += d
            lo_ /= p
            g /= p
            values[j] = _cmo_value(g, lo_)
    out[first:] = values
    return out


def _cmo_value(g, lo_):
    tot = g + lo_
    if tot > 0.0 or tot < 0.0:  # TA-Lib's zero test: NaN counts as zero
        return 100.0 * ((g - lo_) / tot)
    return 0.0


def mfi(high, low, close, volume, start, timeperiod):
    n = high.shape[0]
    first = start + timeperiod
    out = _nan_head(n, first)
    if first >= n:
        return out
    p = timeperiod
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        tp = (high[start:] + low[start:] + close[start:]) / 3.0
        d = np.diff(tp)
        still = np.abs(d) <= 1e-14 * (np.abs(tp[1:]) + np.abs(tp[:-1]))
        flow = np.where(still, 0.0, tp[1:] * volume[start + 1 :])
        pos = np.where(d < 0.0, 0.0, flow)
        neg = np.where(d < 0.0, flow, 0.0)
        ps, ns = _mfi_running(pos, neg, flow, p)
        tot = ps + ns
        pc = np.clip(ps, 0.0, np.maximum(tot, 0.0))
        pc = np.where(np.isnan(tot), np.nan, pc)
        out[first:] = np.where(tot <= 0.0, 0.0, 100.0 * (pc / np.where(tot <= 0.0, 1.0, tot)))
    return out


def _mfi_running(pos, neg, flow, p):
    """TA-Lib's running sums: per move subtract the slot leaving the window, add the new
    one, and reset both sums to exactly 0 once ``p`` moves in a row carried no flow. The
    steps between resets are summed by one sequential cumsum (TA-Lib's roundings)."""
    m = flow.size
    run = np.zeros(m, dtype=np.int64)  # length of the flow-less run ending at each move
    idle = flow == 0.0
    if idle.any():
        ends = np.flatnonzero(~idle)
        last_busy = np.full(m, -1)
        last_busy[ends] = ends
        last_busy = np.maximum.accumulate(last_busy)
        run = np.arange(m) - last_busy
    reset = run >= p
    return _running_with_resets(pos, p, reset), _running_with_resets(neg, p, reset)


def _running_with_resets(x, p, reset):
    m = x.size
    # steps: the p seed moves' adds, then per later move: subtract the oldest, add the new
    steps = np.empty(p + 2 * (m - p))
    steps[:p] = x[:p]
    steps[p::2] = -x[: m - p]
    steps[p + 1 :: 2] = x[p:]
    moves = np.arange(m)
    add_step = np.where(moves < p, moves, p + 2 * (moves - p) + 1)
    sums = np.empty(steps.size)
    begin = 0
    for z in add_step[reset].tolist():  # the sums are exactly 0 after these steps
        sums[begin:z] = np.cumsum(steps[begin:z])
        sums[z] = 0.0
        begin = z + 1
    sums[begin:] = np.cumsum(steps[begin:])
    return sums[add_step[p - 1 :]]


# --- AROON, AROONOSC ---------------------------------------------------------------------


def _aroon_idx(high, low, start, timeperiod):
    first = start + timeperiod
    return (first, _tracked_extreme(high, start, first, False),
            _tracked_extreme(-low, start, first, False))


def aroon(high, low, start, timeperiod):
    n = high.shape[0]
    first, hi, lo = _aroon_idx(high, low, start, timeperiod)
    down, up = _nan_head(n, first), _nan_head(n, first)
    if first < n:
        today = np.arange(first, n)
        factor = 100.0 / timeperiod
        up[first:] = factor * (timeperiod - (today - hi))
        down[first:] = factor * (timeperiod - (today - lo))
    return down, up


def aroonosc(high, low, start, timeperiod):
    n = high.shape[0]
    first, hi, lo = _aroon_idx(high, low, start, timeperiod)
    out = _nan_head(n, first)
    if first < n:
        out[first:] = (100.0 / timeperiod) * (hi - lo)
    return out


# --- ULTOSC ------------------------------------------------------------------------------


def _running_sums(x, first, p):
    """TA-Lib's running window sums for rows ``first ..``: add rows ``first - p + 1 ..
    first - 1``, then per row add it, read, and subtract the window's oldest row. One
    sequential cumsum over those steps gives the same roundings (and NaN/inf fates)."""
    seed = x[first - p + 1 : first]
    adds = x[first:]
    steps = np.empty(seed.size + 2 * adds.size)
    steps[: seed.size] = seed
    steps[seed.size :: 2] = adds
    steps[seed.size + 1 :: 2] = -x[first - p + 1 : x.size - p + 1]
    return np.cumsum(steps)[seed.size :: 2]


def ultosc(high, low, close, start, timeperiod1, timeperiod2, timeperiod3):
    n = high.shape[0]
    p_small, p_mid, p_large = sorted((timeperiod1, timeperiod2, timeperiod3))
    first = start + p_large
    out = _nan_head(n, first)
    if first >= n:
        return out
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        lo, hi, cy = low[start + 1 :], high[start + 1 :], close[start : n - 1]
        true_low = np.where(lo < cy, lo, cy)
        pressure = np.full(n, np.nan)
        pressure[start + 1 :] = close[start + 1 :] - true_low
        tr = hi - lo
        for d in (np.abs(cy - hi), np.abs(cy - lo)):
            tr = np.where(d > tr, d, tr)
        rng = np.full(n, np.nan)
        rng[start + 1 :] = tr
        total = np.zeros(n - first)
        for p, weight in ((p_small, 4.0), (p_mid, 2.0), (p_large, 1.0)):
            a = _running_sums(pressure, first, p)
            b = _running_sums(rng, first, p)
            zero = _is_zero(b)
            term = a / np.where(zero, 1.0, b)
            total = total + np.where(zero, 0.0, term if weight == 1.0 else weight * term)
        out[first:] = 100.0 * (total / 7.0)
    return out
