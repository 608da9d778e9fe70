"""Backtest kernels: Freqtrade's per-candle exit rules over arrays.

Spot, long, leverage 1. Prices are not rounded to the market's tick here; the facade
``ftaccel.backtest`` states what each entry point models.
"""

import numpy as np

from . import export, helper

EXIT_NONE = 0
EXIT_ROI = 1
EXIT_STOP_LOSS = 2


@export("Tuple((i8, i8, f8))"
        "(f8[::1], f8[::1], f8[::1], i8[::1], i8, f8, f8, f8, i8[::1], f8[::1], i8)")
def exit_scan(open_, high, low, minutes, entry, open_rate, fee, stoploss, roi_minutes,
              roi_ratios, timeframe_minutes):
    """First stoploss or ROI exit of a long trade entered at candle ``entry``.

    ``minutes`` are candle open times in minutes; ``roi_minutes`` is sorted ascending with
    ``roi_ratios`` beside it (Freqtrade's ``minimal_roi``). Stoploss is checked before ROI
    on each candle, as Freqtrade does, starting on the entry candle. Returns
    ``(exit_index, reason, close_rate)``; ``(-1, EXIT_NONE, nan)`` when no exit happens.
    """
    n = open_.shape[0]
    stop = open_rate * (1.0 - abs(stoploss))
    open_value = open_rate * (1.0 + fee)
    n_roi = roi_minutes.shape[0]
    for i in range(entry, n):
        if stop >= low[i]:
            rate = open_[i] if stop > high[i] else stop
            return i, EXIT_STOP_LOSS, rate
        dur = minutes[i] - minutes[entry]
        k = -1
        for j in range(n_roi):
            if roi_minutes[j] <= dur:
                k = j
        if k < 0:
            continue
        roi = roi_ratios[k]
        key = roi_minutes[k]
        on_grid = key % timeframe_minutes == 0
        if roi == -1.0 and on_grid:
            return i, EXIT_ROI, open_[i]
        best = np.round((high[i] * (1.0 - fee) - open_value) / open_value, 8)
        if best > roi:
            target = (1.0 + roi) * open_value / (1.0 - fee)
            if dur > 0 and dur == key and on_grid and open_[i] > target:
                return i, EXIT_ROI, open_[i]
            return i, EXIT_ROI, min(max(target, low[i]), high[i])
    return -1, EXIT_NONE, np.nan


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
SIG_ENTERS = SIG_ENTER_LONG | SIG_ENTER_SHORT  # the bits an entry needs

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


@helper
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


@helper
def round8(x):
    return np.round(x, 8)


@helper
def profit_ratio(amount, rate, fee, open_value, short):
    """Freqtrade's ``calc_profit_ratio`` at leverage 1 (rounded to 8 decimals)."""
    close_value = amount * rate
    if short:
        close_value = close_value + close_value * fee
        return round8(1.0 - close_value / open_value)
    close_value = close_value - close_value * fee
    return round8(close_value / open_value - 1.0)

@helper
def profit_ratio_f(amount, rate, fee, open_value, short, funding):
    """``calc_profit_ratio`` at leverage 1 with the trade's signed ``funding_fees``."""
    close_value = amount * rate
    if short:
        close_value = (close_value + close_value * fee) - funding
        return round8(1.0 - close_value / open_value)
    close_value = (close_value - close_value * fee) + funding
    return round8(close_value / open_value - 1.0)


@helper
def funding_upto(fund_minutes, fund_value, ptr, end, now, amount, total):
    """Add the funding rows ``ptr:end`` dated at or before ``now`` to ``total`` (in row
    order, as Freqtrade's ``sum``); returns the next row and the new total."""
    while ptr < end and fund_minutes[ptr] <= now:
        total = total + fund_value[ptr] * amount
        ptr += 1
    return ptr, total


@helper
def signed_funding(total, short):
    """Freqtrade's ``funding_fees`` from the summed ``rate * mark * amount``: paid by
    longs (negative) and received by shorts when rates are positive; NaN counts as 0."""
    if total != total:
        return 0.0
    return total if short else -total


@helper
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


@export("i8(i8[::1], f8[::1], f8[::1], f8[::1], f8[::1], i8[::1], i8[::1], f8[::1], f8[::1],"
        " f8[::1], f8[::1], f8[::1], f8[::1], i8, i8, f8[::1], i8[::1], f8[::1],"
        " i8[:, ::1], f8[:, ::1], i8[::1], f8[::1], i8[::1], i8[::1], f8[::1], f8[::1], f8[::1],"
        " f8[::1], f8[::1], f8[::1])")
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
        reorder = n_open > 0
        if reorder:
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

        for v in range(n_pairs):
            p = visit[v] if reorder else v
            r = idx[p]
            if r >= pair_start[p + 1] or minutes[r] > now:
                continue
            idx[p] = r + 1
            if not seen[p]:
                seen[p] = True
                seen_order[n_seen] = p
                n_seen += 1
            sig = signals[r]
            if not has_trade[p] and (sig & SIG_ENTERS) == 0:
                continue  # nothing to enter or exit on this row
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
                    c = close[r]
                    pm = t_pm[p]
                    pp = t_pp[p]
                    short = t_short[p]
                    amount = t_amount[p]
                    value = t_value[p]
                    funding = t_fund[p]
                    profit_best = profit_ratio_f(amount, lo if short else h, fee, value, short,
                                                 funding)
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
                        exit_hit = profit_ratio_f(amount, o, fee, value, short,
                                                  funding) > profit_offset
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
                    closed = 0
                    if reason != 0:
                        rate = to_tick(rate, pm, pp, 0)
                        if not (lo <= rate <= h):
                            return -1 - p
                        out_f[n_out, OF_FUNDING] = t_fund[p]
                        _record(out_i, out_f, n_out, p, t_row[p], r, reason, short,
                                t_stake[p], amount, t_rate[p], rate, t_init_stop[p], stop,
                                t_stop_pct[p], t_min[p], t_max[p], value)
                        closed = 1
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


@helper
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


@helper
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

@helper
def price_decimals(v):
    """Decimals of ``v`` printed with 14 significant digits, trailing zeros dropped
    (Freqtrade's ``get_tick_size_over_time`` count); -1 for whole numbers and bad input."""
    if not (v > 0.0) or v == np.inf:
        return -1
    scale = 13 - np.int64(np.floor(np.log10(v)))
    m = np.rint(v * 10.0 ** scale)
    for _ in range(2):  # log10 may be off by one next to powers of ten
        if m >= 1e14:
            scale -= 1
            m = np.rint(v * 10.0 ** scale)
        elif m < 1e13:
            scale += 1
            m = np.rint(v * 10.0 ** scale)
    mi = np.int64(m)
    dec = scale
    while dec > 0 and mi % 10 == 0:
        mi //= 10
        dec -= 1
    return dec if dec > 0 else -1


@helper
def month_of_day(days):
    """``year * 12 + month - 1`` of a day counted from 1970-01-01 (proleptic Gregorian)."""
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    return y * 12 + m - 1


@helper
def month_start_day(month):
    """The day (from 1970-01-01) a ``year * 12 + month - 1`` month starts on."""
    y = month // 12
    m = month - y * 12 + 1
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@export("Tuple((f8[::1], f8[::1]))(i8[::1], f8[::1], f8[::1], f8[::1], f8[::1], i8, i8)")
def row_ticks(minutes, open_, high, low, close, first, n):
    """Freqtrade's candle-derived price tick (``tick_m / tick_p10``) of rows ``first + 1``
    .. ``first + n`` of one pair's whole frame (``minutes``: candle dates, ascending, in
    minutes since the epoch): ``10**-d``, ``d`` the most decimals (``price_decimals``) of
    any O/H/L/C in the row's calendar month (UTC), the last earlier month's with decimals
    when it has none; ``tick_m`` 0 (market tick) when no month so far has decimals."""
    m = minutes.shape[0]
    tick_m = np.zeros(n)
    tick_p10 = np.ones(n)
    if m == 0 or n <= 0:
        return tick_m, tick_p10
    day0 = minutes[0] // 1440
    month0 = month_of_day(day0)
    n_months = month_of_day(minutes[m - 1] // 1440) - month0 + 1
    best = np.full(n_months, -1, np.int64)
    group = np.empty(m, np.int64)
    g = 0
    next_start = month_start_day(month0 + 1) * 1440
    scale = 1.0  # 10 ** max(best[g], 0)
    for i in range(m):
        while minutes[i] >= next_start:
            g += 1
            next_start = month_start_day(month0 + g + 1) * 1440
            scale = 1.0
        group[i] = g
        for v in (open_[i], high[i], low[i], close[i]):
            # fast path: within a tiny fraction of the 14-digit step of a number with
            # best[g] decimals (float error is far smaller), so no more decimals than that
            t = v * scale
            if abs(t - np.rint(t)) <= 2e-15 * t:
                continue
            d = price_decimals(v)
            if d > best[g]:
                best[g] = d
                scale = 10.0 ** d
    last = -1
    for k in range(n_months):  # as of: the last month with decimals
        if best[k] >= 0:
            last = best[k]
        best[k] = last
    for j in range(n):
        d = best[group[first + 1 + j]]
        if d >= 0:
            tick_m[j] = 1.0
            tick_p10[j] = 10.0 ** d
    return tick_m, tick_p10


# --- trade values ------------------------------------------------------------------

@helper
def _near_rounding(x, err):
    """Whether ``round(x, 8)`` could change when ``x`` moves by up to ``err``, or when
    ``x`` is too large for ``rint(x * 1e8) / 1e8`` to equal Python's ``round``."""
    y = abs(x) * 1e8
    if not y < 4.0e15:  # also NaN
        return True
    frac = y - np.floor(y)
    return abs(frac - 0.5) < err * 1e8 + y * 4.5e-16 + 1e-9


@export("Tuple((f8[::1], f8[::1], f8[::1], i8[::1]))"
        "(f8[::1], f8[::1], f8[::1], f8[::1], f8[::1], i8[::1], f8[::1], f8[::1])")
def trade_values(amount, open_rate, close_rate, fee_open, fee_close, short, leverage,
                 funding):
    """Freqtrade's trade values in binary floating point, per trade.

    Returns ``(profit_abs, profit_ratio, open_value, uncertain)``: ``profit_abs`` as
    ``LocalTrade.calc_profit`` (rounded to 8 decimals), ``profit_ratio`` as
    ``calc_profit_ratio`` (times ``leverage``, rounded to 8 decimals), the fee-inclusive
    open value, and 1 where a rounded result could differ from Freqtrade's exact-decimal
    one (within a few units in the last place of the values involved of a rounding
    boundary): those the caller recomputes in decimal.
    """
    n = amount.shape[0]
    out_abs = np.empty(n)
    out_ratio = np.empty(n)
    out_open = np.empty(n)
    uncertain = np.zeros(n, np.int64)
    for i in range(n):
        a = amount[i]
        v = a * open_rate[i]
        c = a * close_rate[i]
        if short[i] != 0:
            ov = v - v * fee_open[i]
            cv = (c + c * fee_close[i]) - funding[i]
            d = ov - cv
        else:
            ov = v + v * fee_open[i]
            cv = (c - c * fee_close[i]) + funding[i]
            d = cv - ov
        out_open[i] = ov
        out_abs[i] = round8(d)
        flag = _near_rounding(d, 2e-15 * (abs(ov) + abs(cv) + abs(funding[i])))
        if ov == 0.0:
            out_ratio[i] = 0.0
            flag = True
        else:
            q = cv / ov
            r = (1.0 - q) if short[i] != 0 else (q - 1.0)
            r = r * leverage[i]
            out_ratio[i] = round8(r)
            if _near_rounding(r, 4e-15 * (abs(q) + 1.0) * leverage[i]):
                flag = True
        uncertain[i] = 1 if flag else 0
    return out_abs, out_ratio, out_open, uncertain
