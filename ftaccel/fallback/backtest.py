"""numpy versions of the backtest kernels (see ``ftaccel.kernels.backtest``)."""

import numpy as np

EXIT_NONE = 0
EXIT_ROI = 1
EXIT_STOP_LOSS = 2


def exit_scan(open_, high, low, minutes, entry, open_rate, fee, stoploss, roi_minutes,
              roi_ratios, timeframe_minutes):
    o, h, lo = open_[entry:], high[entry:], low[entry:]
    stop = open_rate * (1.0 - abs(stoploss))
    open_value = open_rate * (1.0 + fee)
    dur = minutes[entry:] - minutes[entry]
    # active ROI step per candle: the largest key <= duration
    step = np.searchsorted(roi_minutes, dur, side="right") - 1
    has_roi = step >= 0
    safe = np.where(has_roi, step, 0)
    roi = roi_ratios[safe] if roi_ratios.size else np.zeros(dur.size)
    key = roi_minutes[safe] if roi_minutes.size else np.zeros(dur.size, dtype=np.int64)
    on_grid = key % timeframe_minutes == 0
    best = np.round((h * (1.0 - fee) - open_value) / open_value, 8)
    force = has_roi & (roi == -1.0) & on_grid
    roi_hit = has_roi & (force | (best > roi))
    stop_hit = stop >= lo
    hits = np.flatnonzero(stop_hit | roi_hit)
    if hits.size == 0:
        return -1, EXIT_NONE, np.nan
    i = int(hits[0])
    if stop_hit[i]:
        return entry + i, EXIT_STOP_LOSS, float(o[i] if stop > h[i] else stop)
    if force[i]:
        return entry + i, EXIT_ROI, float(o[i])
    target = (1.0 + roi[i]) * open_value / (1.0 - fee)
    if dur[i] > 0 and dur[i] == key[i] and on_grid[i] and o[i] > target:
        return entry + i, EXIT_ROI, float(o[i])
    return entry + i, EXIT_ROI, float(min(max(target, lo[i]), h[i]))


# --- full backtest -------------------------------------------------------------------

# signal bits per row (already shifted to the candle that trades on them)
SIG_ENTER_LONG = 1        # enter_long == 1
SIG_EXIT_LONG = 2         # exit_long == 1
SIG_ENTER_LONG_ANY = 4    # enter_long truthy
SIG_EXIT_LONG_ANY = 8     # exit_long truthy
SIG_ENTER_SHORT = 16      # enter_short == 1
SIG_EXIT_SHORT = 32       # exit_short == 1
SIG_ENTER_SHORT_ANY = 64  # enter_short truthy
SIG_EXIT_SHORT_ANY = 128  # exit_short truthy

# exit reasons in the trade output
REASON_ROI = 1
REASON_STOP_LOSS = 2
REASON_TRAILING = 3
REASON_EXIT_SIGNAL = 4
REASON_FORCE_EXIT = 5
REASON_LIQUIDATION = 6

# settings vector layout (see ftaccel.backtest.backtest)
S_FEE, S_STOPLOSS, S_STAKE, S_WALLET, S_RATIO, S_MAX_OPEN = 0, 1, 2, 3, 4, 5
S_USE_EXIT, S_PROFIT_ONLY, S_PROFIT_OFFSET, S_IGNORE_ROI = 6, 7, 8, 9
S_TRAILING, S_TSP, S_TSP_OFFSET, S_ONLY_OFFSET = 10, 11, 12, 13
S_RESERVE, S_AMEND, S_AMEND_RATIO, S_TIMEFRAME, S_CAN_SHORT = 14, 15, 16, 17, 18
N_SETTINGS = 19

# integer / float trade output columns
OI_PAIR, OI_OPEN_ROW, OI_CLOSE_ROW, OI_REASON, OI_SHORT = 0, 1, 2, 3, 4
N_OUT_I = 5
(OF_STAKE, OF_AMOUNT, OF_OPEN_RATE, OF_CLOSE_RATE, OF_INIT_STOP, OF_STOP, OF_STOP_PCT,
 OF_MIN, OF_MAX, OF_OPEN_VALUE, OF_FUNDING) = range(11)
N_OUT_F = 11

# futures parameters (``fparams`` of run_backtest)
FP_FUND_TF, FP_LIQ_BUFFER = 0, 1


def to_tick(x, m, p10, mode):
    """``x`` on the grid ``m / p10`` as ccxt's decimal-string rounding does it.

    ``mode`` 0: half-up (ROUND), 1: up (ROUND_UP), 2: down (ROUND_DOWN / TRUNCATE).
    ``m <= 0`` means no precision: ``x`` is returned as is. A price whose shortest
    decimal form already lies on the grid is returned unchanged.
    """
    if m <= 0.0 or x != x:
        return x
    k = np.floor(x * p10 / m + 0.5)
    g = (k * m) / p10
    if g == x:
        return x
    f = k if x > g else k - 1.0
    if mode == 1:
        return ((f + 1.0) * m) / p10
    if mode == 2:
        return (f * m) / p10
    mid = ((2.0 * f + 1.0) * m) / (2.0 * p10)
    if x >= mid:
        return ((f + 1.0) * m) / p10
    return (f * m) / p10


def round8(x):
    return round(float(x), 8)


def profit_ratio(amount, rate, fee, open_value, short):
    """Freqtrade's ``calc_profit_ratio`` at leverage 1 (rounded to 8 decimals)."""
    close_value = amount * rate
    if short:
        close_value = close_value + close_value * fee
        return round8(1.0 - close_value / open_value)
    close_value = close_value - close_value * fee
    return round8(close_value / open_value - 1.0)


def profit_ratio_f(amount, rate, fee, open_value, short, funding):
    """``calc_profit_ratio`` at leverage 1 with the trade's signed ``funding_fees``."""
    close_value = amount * rate
    if short:
        close_value = (close_value + close_value * fee) - funding
        return round8(1.0 - close_value / open_value)
    close_value = (close_value - close_value * fee) + funding
    return round8(close_value / open_value - 1.0)


def funding_upto(fund_minutes, fund_value, ptr, end, now, amount, total):
    """Add the funding rows ``ptr:end`` dated at or before ``now`` to ``total`` (in row
    order, as Freqtrade's ``sum``); returns the next row and the new total."""
    while ptr < end and fund_minutes[ptr] <= now:
        total = total + fund_value[ptr] * amount
        ptr += 1
    return ptr, total


def signed_funding(total, short):
    """Freqtrade's ``funding_fees`` from the summed ``rate * mark * amount``: paid by
    longs (negative) and received by shorts when rates are positive; NaN counts as 0."""
    if total != total:
        return 0.0
    return total if short else -total


def liquidation_price(p, stake, amount, open_rate, short, tier_start, tier_min, tier_mmr,
                      tier_amt, buffer, pm, pp):
    """Isolated-margin liquidation price at leverage 1 (Binance's formula, maintenance
    tier by notional = stake), moved toward the entry by ``buffer`` and rounded to the
    tick; 0 = none."""
    k = tier_start[p + 1] - 1
    while k >= tier_start[p] and stake < tier_min[k]:
        k -= 1
    if k < tier_start[p]:
        return 0.0
    side = -1.0 if short else 1.0
    liq = ((stake + tier_amt[k]) - side * amount * open_rate) / (
        (amount * tier_mmr[k]) - side * amount)
    buf = abs(open_rate - liq) * buffer
    liq = liq - buf if short else liq + buf
    return to_tick(max(liq, 0.0), pm, pp, 0)


def run_backtest(minutes, open_, high, low, close, signals, pair_start, price_m, price_p10,
                 amount_m, amount_p10, cost_min, amount_min, start_minute, end_minute,
                 settings, roi_minutes, roi_ratios, out_i, out_f, fund_minutes, fund_value,
                 fund_start, tier_start, tier_min, tier_mmr, tier_amt, fparams,
                 row_tick_m, row_tick_p10):
    """Freqtrade's backtest loop (long, and short when ``S_CAN_SHORT``; leverage 1) over all
    pairs at once.

    Rows of pair ``p`` are ``pair_start[p]:pair_start[p + 1]`` of the row arrays, dated by
    ``minutes`` (candle open, minutes since the epoch) and already carrying the signals of
    the previous candle (``signals``: ``SIG_*`` bits). The clock runs from
    ``start_minute + timeframe`` to ``end_minute``; pairs holding trades are visited first
    in the order their trades opened, then all pairs in list order. Closed trades are
    written to ``out_i``/``out_f`` in closing order (force exits last). Returns the
    trade count, or ``-1 - pair`` when an order price falls outside its candle (price
    data finer than the market's price precision).

    Futures: pair ``p``'s funding rows ``fund_start[p]:fund_start[p + 1]`` (dates in
    ``fund_minutes``, ``rate * mark open`` in ``fund_value``) are charged as Freqtrade's
    Backtesting does (from the entry, updated at the entry fill and at each visited candle
    whose time is a multiple of ``fparams[FP_FUND_TF]`` minutes); maintenance tiers
    ``tier_start[p]:tier_start[p + 1]`` (ascending ``tier_min`` notional, ``tier_mmr``,
    ``tier_amt``) give the liquidation price (none when the pair has no tiers).
    A trade's price tick is ``row_tick_m / row_tick_p10`` of its entry row when
    ``row_tick_m`` > 0 there (Freqtrade's tick derived from the candles), else the pair's
    market tick, and stays fixed for the trade's life.
    """
    n_pairs = pair_start.shape[0] - 1
    fee = settings[S_FEE]
    stoploss = abs(settings[S_STOPLOSS])
    stake_fixed = settings[S_STAKE]
    wallet = settings[S_WALLET]
    ratio = settings[S_RATIO]
    max_open = settings[S_MAX_OPEN]
    use_exit = settings[S_USE_EXIT] != 0.0
    profit_only = settings[S_PROFIT_ONLY] != 0.0
    profit_offset = settings[S_PROFIT_OFFSET]
    ignore_roi = settings[S_IGNORE_ROI] != 0.0
    trailing = settings[S_TRAILING] != 0.0
    tsp = settings[S_TSP]
    tsp_set = tsp == tsp
    has_tsp = tsp_set and tsp != 0.0
    tsp_offset = settings[S_TSP_OFFSET]
    only_offset = settings[S_ONLY_OFFSET] != 0.0
    margin_reserve = 1.0 + settings[S_RESERVE]
    amend = settings[S_AMEND] != 0.0
    amend_ratio = settings[S_AMEND_RATIO]
    tf = np.int64(settings[S_TIMEFRAME])
    can_short = settings[S_CAN_SHORT] != 0.0
    sl_reserve = margin_reserve / (1.0 - 0.05)
    sl_reserve = max(min(sl_reserve, 1.5), 1.0)
    n_roi = roi_minutes.shape[0]

    idx = pair_start[:n_pairs].copy()
    seen = np.zeros(n_pairs, np.bool_)
    seen_order = np.empty(n_pairs, np.int64)
    n_seen = 0
    has_trade = np.zeros(n_pairs, np.bool_)
    open_list = np.empty(n_pairs, np.int64)
    n_open = 0
    visit = np.empty(n_pairs, np.int64)
    mark = np.zeros(n_pairs, np.bool_)
    t_row = np.zeros(n_pairs, np.int64)
    t_open_min = np.zeros(n_pairs, np.int64)
    t_short = np.zeros(n_pairs, np.bool_)
    t_amount = np.zeros(n_pairs)
    t_rate = np.zeros(n_pairs)
    t_stake = np.zeros(n_pairs)
    t_value = np.zeros(n_pairs)
    t_stop = np.zeros(n_pairs)
    t_stop_pct = np.zeros(n_pairs)
    t_init_stop = np.zeros(n_pairs)
    t_trailing = np.zeros(n_pairs, np.bool_)
    t_min = np.zeros(n_pairs)
    t_max = np.zeros(n_pairs)
    t_fptr = np.zeros(n_pairs, np.int64)
    t_fsum = np.zeros(n_pairs)
    t_fund = np.zeros(n_pairs)
    t_liq = np.zeros(n_pairs)
    t_pm = np.zeros(n_pairs)
    t_pp = np.ones(n_pairs)
    fund_tf = np.int64(fparams[FP_FUND_TF])
    liq_buffer = fparams[FP_LIQ_BUFFER]
    total_profit = 0.0
    n_out = 0

    now = start_minute + tf
    while now <= end_minute:
        # visiting order: pairs with open trades (in opening order), then all others
        n_visit = 0
        for j in range(n_open):
            visit[n_visit] = open_list[j]
            mark[open_list[j]] = True
            n_visit += 1
        for p in range(n_pairs):
            if not mark[p]:
                visit[n_visit] = p
                n_visit += 1
        for j in range(n_open):
            mark[open_list[j]] = False
        can_enter = now != end_minute

        for v in range(n_visit):
            p = visit[v]
            r = idx[p]
            if r >= pair_start[p + 1] or minutes[r] > now:
                continue
            idx[p] = r + 1
            if not seen[p]:
                seen[p] = True
                seen_order[n_seen] = p
                n_seen += 1
            sig = signals[r]
            o = open_[r]
            h = high[r]
            lo = low[r]
            enter_long = (sig & SIG_ENTER_LONG) != 0
            enter_short = can_short and (sig & SIG_ENTER_SHORT) != 0
            trade_dir = 0
            if enter_long and (sig & SIG_EXIT_LONG) == 0 and not enter_short:
                trade_dir = 1
            elif enter_short and (sig & SIG_EXIT_SHORT) == 0 and not enter_long:
                trade_dir = -1

            for _pass in range(2):
                exiting_dir = 0
                if has_trade[p]:
                    exiting_dir = -1 if t_short[p] else 1
                # -- entry
                if (can_enter and trade_dir != 0 and not has_trade[p]
                        and (max_open <= 0.0 or n_open < max_open)):
                    tied = 0.0
                    for j in range(n_open):
                        tied += t_stake[open_list[j]]
                    free = (wallet + total_profit) - tied
                    available = min((tied + free) * ratio - tied, free)
                    if stake_fixed < 0.0:  # "unlimited"
                        stake = min((available + tied) / max_open, available)
                    else:
                        stake = stake_fixed
                    if amend:
                        if available > stake * amend_ratio:
                            stake = min(stake, available)
                        else:
                            stake = 0.0
                    if available < stake:
                        stake = 0.0
                    stake = max(stake, 0.0)
                    min_stake = 0.0
                    have_min = False
                    if cost_min[p] == cost_min[p]:
                        min_stake = cost_min[p] * sl_reserve
                        have_min = True
                    if amount_min[p] == amount_min[p]:
                        cand = amount_min[p] * o * margin_reserve
                        min_stake = cand if not have_min else max(min_stake, cand)
                    if stake > 0.0:
                        if min_stake > available:
                            stake = 0.0
                        elif stake < min_stake:
                            if stake * 1.3 < min_stake:
                                stake = 0.0
                            else:
                                stake = min_stake
                        if stake > available:
                            stake = available
                    if stake > 0.0 and (min_stake == 0.0 or stake >= min_stake):
                        amount = to_tick(stake / o, amount_m[p], amount_p10[p], 2)
                        if amount > 0.0:
                            if not (lo <= o <= h):
                                return -1 - p
                            short = trade_dir < 0
                            if row_tick_m[r] > 0.0:
                                t_pm[p] = row_tick_m[r]
                                t_pp[p] = row_tick_p10[r]
                            else:
                                t_pm[p] = price_m[p]
                                t_pp[p] = price_p10[p]
                            rate = to_tick(o, t_pm[p], t_pp[p], 0)
                            has_trade[p] = True
                            open_list[n_open] = p
                            n_open += 1
                            t_row[p] = r
                            t_open_min[p] = minutes[r]
                            t_short[p] = short
                            t_amount[p] = amount
                            t_rate[p] = rate
                            t_stake[p] = amount * o
                            value = amount * rate
                            if short:
                                t_value[p] = value - value * fee
                                stop = to_tick(o * (1.0 + stoploss), t_pm[p], t_pp[p], 2)
                            else:
                                t_value[p] = value + value * fee
                                stop = to_tick(o * (1.0 - stoploss), t_pm[p], t_pp[p], 1)
                            t_stop[p] = stop
                            t_init_stop[p] = stop
                            t_stop_pct[p] = -stoploss
                            t_trailing[p] = False
                            t_min[p] = rate
                            t_max[p] = rate
                            # funding from the entry (the fill counts the row at its date)
                            f0 = fund_start[p]
                            f1 = fund_start[p + 1]
                            fp = f0 + np.searchsorted(fund_minutes[f0:f1], minutes[r])
                            fp, fsum = funding_upto(fund_minutes, fund_value, fp, f1,
                                                    minutes[r], amount, 0.0)
                            t_fptr[p] = fp
                            t_fsum[p] = fsum
                            t_fund[p] = signed_funding(fsum, short)
                            t_liq[p] = liquidation_price(p, t_stake[p], amount, rate, short,
                                                         tier_start, tier_min, tier_mmr,
                                                         tier_amt, liq_buffer, t_pm[p],
                                                         t_pp[p])

                # -- exit
                if has_trade[p]:
                    if fund_tf > 0 and now % fund_tf == 0:
                        fp, fsum = funding_upto(fund_minutes, fund_value, t_fptr[p],
                                                fund_start[p + 1], now, t_amount[p],
                                                t_fsum[p])
                        t_fptr[p] = fp
                        t_fsum[p] = fsum
                        t_fund[p] = signed_funding(fsum, t_short[p])
                    closed = _check_exit(p, r, now, sig, o, h, lo, close[r], fee, stoploss,
                                         use_exit, profit_only, profit_offset, ignore_roi,
                                         trailing, tsp, tsp_set, has_tsp, tsp_offset,
                                         only_offset, tf, roi_minutes, roi_ratios, n_roi,
                                         t_pm[p], t_pp[p], t_row, t_open_min, t_short,
                                         t_amount, t_rate, t_stake, t_value, t_stop,
                                         t_stop_pct, t_init_stop, t_trailing, t_min, t_max,
                                         out_i, out_f, n_out, t_fund, t_liq)
                    if closed < 0:
                        return -1 - p
                    if closed > 0:
                        total_profit += _last_profit(out_f, n_out, fee, t_short[p])
                        n_out += 1
                        has_trade[p] = False
                        w = 0
                        for j in range(n_open):
                            if open_list[j] != p:
                                open_list[w] = open_list[j]
                                w += 1
                        n_open = w
                if not can_short or trade_dir == 0:
                    break
                if exiting_dir == 0 or has_trade[p] or exiting_dir == trade_dir:
                    break
        now += tf

    # force exits: pairs in the order they were first visited, at their last row's open
    for j in range(n_seen):
        p = seen_order[j]
        if not has_trade[p]:
            continue
        r = pair_start[p + 1] - 1
        rate = to_tick(open_[r], t_pm[p], t_pp[p], 0)
        if not (low[r] <= rate <= high[r]):
            return -1 - p
        out_f[n_out, OF_FUNDING] = t_fund[p]
        _record(out_i, out_f, n_out, p, t_row[p], r, REASON_FORCE_EXIT, t_short[p],
                t_stake[p], t_amount[p], t_rate[p], rate, t_init_stop[p], t_stop[p],
                t_stop_pct[p], t_min[p], t_max[p], t_value[p])
        n_out += 1
        has_trade[p] = False
    return n_out


def _last_profit(out_f, n, fee, short):
    """Rounded ``profit_abs`` of output trade ``n`` (Freqtrade's ``close_profit_abs``)."""
    amount = out_f[n, OF_AMOUNT]
    value = out_f[n, OF_OPEN_VALUE]
    close_value = amount * out_f[n, OF_CLOSE_RATE]
    if short:
        close_value = (close_value + close_value * fee) - out_f[n, OF_FUNDING]
        return round8(value - close_value)
    close_value = (close_value - close_value * fee) + out_f[n, OF_FUNDING]
    return round8(close_value - value)


def _check_exit(p, r, now, sig, o, h, lo, c, fee, stoploss, use_exit, profit_only,
                profit_offset, ignore_roi, trailing, tsp, tsp_set, has_tsp, tsp_offset,
                only_offset, tf, roi_minutes, roi_ratios, n_roi, pm, pp, t_row, t_open_min,
                t_short, t_amount, t_rate, t_stake, t_value, t_stop, t_stop_pct, t_init_stop,
                t_trailing, t_min, t_max, out_i, out_f, n_out, t_fund, t_liq):
    """One candle of Freqtrade's exit checks for pair ``p``'s open trade.

    Writes the trade to output row ``n_out`` and returns 1 when it closes, 0 when it stays
    open, -1 when the exit price falls outside the candle.
    """
    short = t_short[p]
    amount = t_amount[p]
    value = t_value[p]
    funding = t_fund[p]
    profit_best = profit_ratio_f(amount, lo if short else h, fee, value, short, funding)
    t_max[p] = max(h, t_max[p])
    t_min[p] = min(lo, t_min[p])
    if short:
        dir_correct = t_stop[p] > h
    else:
        dir_correct = t_stop[p] < lo
    if trailing and dir_correct:
        if not (only_offset and profit_best < tsp_offset):
            dist = stoploss
            if tsp_set and profit_best > tsp_offset:
                dist = abs(tsp)
            if short:
                new_stop = to_tick(lo * (1.0 + dist), pm, pp, 2)
                better = new_stop < t_stop[p]
            else:
                new_stop = to_tick(h * (1.0 - dist), pm, pp, 1)
                better = new_stop > t_stop[p]
            if better:
                t_stop[p] = new_stop
                t_stop_pct[p] = -dist
                t_trailing[p] = True
    stop = t_stop[p]
    stop_hit = stop <= h if short else stop >= lo
    if short:
        enter_any = (sig & SIG_ENTER_SHORT_ANY) != 0
        exit_any = (sig & SIG_EXIT_SHORT_ANY) != 0
    else:
        enter_any = (sig & SIG_ENTER_LONG_ANY) != 0
        exit_any = (sig & SIG_EXIT_LONG_ANY) != 0
    dur = now - t_open_min[p]
    roi_hit = False
    roi = 0.0
    roi_key = np.int64(0)
    if not (enter_any and ignore_roi):
        k = -1
        for j in range(n_roi):
            if roi_minutes[j] <= dur:
                k = j
        if k >= 0:
            roi = roi_ratios[k]
            roi_key = roi_minutes[k]
            roi_hit = profit_best > roi
    exit_hit = use_exit and exit_any and not enter_any
    if exit_hit and profit_only:
        exit_hit = profit_ratio_f(amount, o, fee, value, short, funding) > profit_offset
    gapped = stop < lo if short else stop > h
    liq = t_liq[p]
    liq_hit = (not stop_hit and liq > 0.0
               and (liq <= h if short else liq >= lo))

    reason = 0
    rate = 0.0
    if exit_hit:
        reason = REASON_EXIT_SIGNAL
        rate = o
    elif stop_hit and not t_trailing[p]:
        reason = REASON_STOP_LOSS
        rate = o if gapped else stop
    elif liq_hit:
        reason = REASON_LIQUIDATION
        rate = o if (liq < lo if short else liq > h) else liq
    if reason == 0 and roi_hit:
        if roi == -1.0 and roi_key % tf == 0:
            reason = REASON_ROI
            rate = o
        else:
            if short:
                beta = 0.0 - funding
                alpha = ((amount + amount * fee) - funding) - beta
                target = ((1.0 - roi) * value - beta) / alpha
                new_step = o < target
                red = dur == 0 and o < c and t_rate[p] > o and target < c
            else:
                beta = 0.0 + funding
                alpha = ((amount - amount * fee) + funding) - beta
                target = ((1.0 + roi) * value - beta) / alpha
                new_step = o > target
                red = dur == 0 and o > c and t_rate[p] < o and target > c
            if dur > 0 and dur == roi_key and roi_key % tf == 0 and new_step:
                reason = REASON_ROI
                rate = o
            elif not red:  # Freqtrade skips ROI on such an entry candle
                reason = REASON_ROI
                rate = min(max(target, lo), h)
    if reason == 0 and stop_hit and t_trailing[p]:
        reason = REASON_TRAILING
        if gapped:
            rate = o
        elif dur == 0:
            if short:
                if trailing and only_offset and has_tsp:
                    rate = o * ((1.0 - abs(tsp_offset)) + abs(tsp))
                else:
                    rate = o * (1.0 + abs(t_stop_pct[p]))
                rate = min(h, rate)
            else:
                if trailing and only_offset and has_tsp:
                    rate = o * (1.0 + abs(tsp_offset) - abs(tsp))
                else:
                    rate = o * (1.0 - abs(t_stop_pct[p]))
                rate = max(lo, rate)
        else:
            rate = stop
    if reason == 0:
        return 0
    rate = to_tick(rate, pm, pp, 0)
    if not (lo <= rate <= h):
        return -1
    out_f[n_out, OF_FUNDING] = funding
    _record(out_i, out_f, n_out, p, t_row[p], r, reason, short, t_stake[p], amount,
            t_rate[p], rate, t_init_stop[p], stop, t_stop_pct[p], t_min[p], t_max[p], value)
    return 1


def _record(out_i, out_f, n, pair, open_row, close_row, reason, short, stake, amount,
            open_rate, close_rate, init_stop, stop, stop_pct, min_rate, max_rate, open_value):
    out_i[n, OI_PAIR] = pair
    out_i[n, OI_OPEN_ROW] = open_row
    out_i[n, OI_CLOSE_ROW] = close_row
    out_i[n, OI_REASON] = reason
    out_i[n, OI_SHORT] = 1 if short else 0
    out_f[n, OF_STAKE] = stake
    out_f[n, OF_AMOUNT] = amount
    out_f[n, OF_OPEN_RATE] = open_rate
    out_f[n, OF_CLOSE_RATE] = close_rate
    out_f[n, OF_INIT_STOP] = init_stop
    out_f[n, OF_STOP] = stop
    out_f[n, OF_STOP_PCT] = stop_pct
    out_f[n, OF_MIN] = min_rate
    out_f[n, OF_MAX] = max_rate
    out_f[n, OF_OPEN_VALUE] = open_value


# --- price ticks from the candles ----------------------------------------------------

def _decimals(x):
    """Decimals of each price printed with 14 significant digits, trailing zeros dropped
    (Freqtrade's ``get_tick_size_over_time`` count); NaN for whole numbers."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & (x > 0)
    v = x[ok]
    scale = 13 - np.floor(np.log10(v)).astype(np.int64)
    m = np.rint(v * 10.0 ** scale)
    for _ in range(2):  # log10 may be off by one next to powers of ten
        hi, lo = m >= 1e14, m < 1e13
        scale = scale - hi + lo
        m = np.where(hi | lo, np.rint(v * 10.0 ** scale), m)
    m = m.astype(np.int64)
    dec = scale.copy()
    for _ in range(15):
        z = (m % 10 == 0) & (dec > 0)
        m = np.where(z, m // 10, m)
        dec = np.where(z, dec - 1, dec)
    out[ok] = np.where(dec > 0, dec, np.nan)
    return out


def row_ticks(minutes, open_, high, low, close, first, n):
    months = (np.asarray(minutes, dtype=np.int64).astype("datetime64[m]")
              .astype("datetime64[M]").astype(np.int64))
    group = months - months[0] if len(months) else months
    n_months = int(group[-1]) + 1 if len(group) else 0
    dec = _decimals(open_)
    for col in (high, low, close):
        dec = np.fmax(dec, _decimals(col))
    per_month = np.full(n_months, np.nan)
    np.fmax.at(per_month, group, dec)
    valid = ~np.isnan(per_month)
    prev = np.maximum.accumulate(np.where(valid, np.arange(n_months), -1))
    filled = per_month[np.maximum(prev, 0)]  # as of: the last month with decimals
    have = prev >= 0
    rows = group[first + 1: first + 1 + n]
    tick_m = np.where(have, 1.0, 0.0)[rows]
    tick_p10 = np.where(have, 10.0 ** np.where(have, filled, 0.0), 1.0)[rows]
    return np.ascontiguousarray(tick_m), np.ascontiguousarray(tick_p10)


def trade_values(amount, open_rate, close_rate, fee_open, fee_close, short, leverage,
                 funding):
    short = short != 0
    v = amount * open_rate
    c = amount * close_rate
    ov = np.where(short, v - v * fee_open, v + v * fee_open)
    cv = np.where(short, (c + c * fee_close) - funding, (c - c * fee_close) + funding)
    d = np.where(short, ov - cv, cv - ov)
    zero = ov == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        q = cv / np.where(zero, 1.0, ov)
    r = np.where(short, 1.0 - q, q - 1.0) * leverage
    ratio = np.where(zero, 0.0, np.round(r, 8))
    uncertain = (_near_rounding(d, 2e-15 * (np.abs(ov) + np.abs(cv) + np.abs(funding)))
                 | zero | (~zero & _near_rounding(r, 4e-15 * (np.abs(q) + 1.0) * leverage)))
    return np.round(d, 8), ratio + 0.0, ov, uncertain.astype(np.int64)


def _near_rounding(x, err):
    y = np.abs(x) * 1e8
    with np.errstate(invalid="ignore"):
        frac = y - np.floor(y)
        return ~(y < 4.0e15) | (np.abs(frac - 0.5) < err * 1e8 + y * 4.5e-16 + 1e-9)
