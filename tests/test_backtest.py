"""ftaccel.backtest.exit_scan: Freqtrade's stoploss/ROI exit rules, compiled vs fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftaccel.backtest as bt
from ftaccel import _backend

MIN = np.arange(0, 50, 5, dtype=np.int64)  # ten 5m candles


def candles(opens, highs, lows):
    return (np.array(opens, float), np.array(highs, float), np.array(lows, float),
            MIN[: len(opens)])


def test_stoploss_on_entry_candle(backend):
    o, h, lo, m = candles([100, 100], [101, 101], [89, 95])
    assert bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.10, minimal_roi={0: 1.0}) == (
        0, "stop_loss", pytest.approx(90.0))


def test_gap_below_stop_exits_at_open(backend):
    o, h, lo, m = candles([100, 80], [101, 85], [99, 70])
    assert bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.10, minimal_roi={0: 1.0}) == (
        1, "stop_loss", 80.0)


def test_stop_wins_over_roi_on_same_candle(backend):
    o, h, lo, m = candles([100], [150], [50])
    assert bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.10, minimal_roi={0: 0.01})[1] == (
        "stop_loss")


def test_roi_target_includes_fees(backend):
    fee = 0.001
    o, h, lo, m = candles([100, 100], [100.5, 110], [99.5, 99])
    idx, reason, rate = bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.5,
                                     minimal_roi={0: 0.05}, fee=fee)
    target = 1.05 * 100 * (1 + fee) / (1 - fee)
    assert (idx, reason) == (1, "roi") and rate == pytest.approx(target)


def test_new_roi_step_opening_above_target_exits_at_open(backend):
    # step 10 min -> 1%; the candle at minute 10 opens at 105, above the 1% target
    o, h, lo, m = candles([100, 100, 105], [100.5, 100.5, 106], [99.5, 99.5, 104])
    assert bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.5,
                        minimal_roi={0: 0.5, 10: 0.01}) == (2, "roi", 105.0)


def test_roi_minus_one_forces_exit_at_open(backend):
    o, h, lo, m = candles([100, 101, 102], [101, 102, 103], [99, 100, 101])
    assert bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.5,
                        minimal_roi={0: 0.5, 10: -1}) == (2, "roi", 102.0)


def test_no_exit_returns_open_trade(backend):
    o, h, lo, m = candles([100, 100], [101, 101], [99, 99])
    idx, reason, rate = bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.5, minimal_roi={})
    assert (idx, reason) == (-1, None) and np.isnan(rate)


def test_bad_input(backend):
    o, h, lo, m = candles([100, 100], [101, 101], [99, 99])
    kw = {"stoploss": -0.1, "minimal_roi": {0: 0.1}}
    with pytest.raises(ValueError, match="entry"):
        bt.exit_scan(o, h, lo, m, 2, 100.0, **kw)
    with pytest.raises(ValueError, match="lengths"):
        bt.exit_scan(o, h[:1], lo, m, 0, 100.0, **kw)
    with pytest.raises(ValueError, match="stoploss"):
        bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=0.5, minimal_roi={})
    with pytest.raises(ValueError, match="open_rate"):
        bt.exit_scan(o, h, lo, m, 0, -1.0, **kw)
    with pytest.raises(ValueError, match="empty"):
        bt.exit_scan([], [], [], [], 0, 1.0, **kw)
    with pytest.raises(TypeError, match="minimal_roi"):
        bt.exit_scan(o, h, lo, m, 0, 100.0, stoploss=-0.1, minimal_roi=[0.1])
    with pytest.raises(ValueError, match="minutes"):
        bt.exit_scan(o, h, lo, np.array([0.5, 1.0]), 0, 100.0, **kw)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_compiled_equals_fallback(data):
    n = data.draw(st.integers(1, 40))
    steps = data.draw(st.lists(st.floats(-0.05, 0.05), min_size=n, max_size=n))
    o = 100 * np.exp(np.cumsum(steps))
    h = o * (1 + np.array(data.draw(st.lists(st.floats(0, 0.08), min_size=n, max_size=n))))
    lo = o * (1 - np.array(data.draw(st.lists(st.floats(0, 0.08), min_size=n, max_size=n))))
    minutes = np.arange(n, dtype=np.int64) * 5
    roi = data.draw(st.dictionaries(st.sampled_from([0, 5, 7, 10, 30, 60]),
                                    st.one_of(st.floats(-0.02, 0.1), st.just(-1.0)),
                                    max_size=4))
    kwargs = {"stoploss": data.draw(st.floats(-0.3, -0.001)), "minimal_roi": roi,
              "fee": data.draw(st.sampled_from([0.0, 0.001, 0.0025]))}
    entry = data.draw(st.integers(0, n - 1))
    results = {}
    for backend in ("compiled", "numpy"):
        _backend.set_backend(backend, "backtest")
        try:
            results[backend] = bt.exit_scan(o, h, lo, minutes, entry, float(o[entry]), **kwargs)
        finally:
            _backend.set_backend("compiled", "backtest")
    fast, slow = results["compiled"], results["numpy"]
    assert fast[:2] == slow[:2]
    assert fast[2] == pytest.approx(slow[2], rel=1e-12, nan_ok=True)


# --- full backtest against Freqtrade's own Backtesting ---------------------------------

from ftaccel._freqtrade_ref import make_markets, run_freqtrade  # noqa: E402

BASE = {"stake_amount": 0.05, "dry_run_wallet": 1.0, "max_open_trades": 3, "timeframe": "5m",
        "tradable_balance_ratio": 0.99, "fee": 0.001}
FLOAT_COLS = ["stake_amount", "max_stake_amount", "amount", "open_rate", "close_rate",
              "fee_open", "fee_close", "profit_ratio", "profit_abs", "initial_stop_loss_abs",
              "initial_stop_loss_ratio", "stop_loss_abs", "stop_loss_ratio", "min_rate",
              "max_rate", "leverage", "funding_fees"]


def _freqtrade_and_ours_agree(data, config, markets, tmp_path):
    """Freqtrade's trades of ``data`` under ``config``, after checking that ftaccel's
    backtest gives the same trades on the compiled and the numpy backend."""
    ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, markets, tmp_path)
    full = {**BASE, **config, "markets": markets}
    for b in ("compiled", "numpy"):
        _backend.set_backend(b, "backtest")
        try:
            ours = bt.backtest({k: v.copy() for k, v in data.items()}, full)
        finally:
            _backend.set_backend("compiled", "backtest")
        _assert_same_trades(ours, ft)
    return ft


def _signals(candles, seed, n, p_enter=0.03, p_exit=0.02, tags=False):
    rng = np.random.default_rng(seed)
    df = candles.iloc[:n].copy().reset_index(drop=True)
    for c in ("open", "high", "low", "close"):
        df[c] = df[c].round(8)  # on the market's 1e-8 price grid
    df["enter_long"] = (rng.random(len(df)) < p_enter).astype(int)
    df["exit_long"] = (rng.random(len(df)) < p_exit).astype(int)
    if tags:
        df["enter_tag"] = np.where(rng.random(len(df)) < 0.5, "a", "b")
        df["exit_tag"] = np.where(rng.random(len(df)) < 0.5, "x", "")
    return df


def _assert_same_trades(ours, ft):
    assert list(ours.columns) == [c for c in ft.columns if c != "orders"]
    assert len(ours) == len(ft), (len(ours), len(ft))
    ft = ft.reset_index(drop=True)
    for col in ours.columns:
        a, b = ours[col], ft[col]
        if col in FLOAT_COLS:
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-9, atol=0,
                                       equal_nan=True, err_msg=col)
        else:
            assert a.tolist() == b.tolist(), col


def _compare(real_candles, names, config, tmp_path, n=2000, seed=0, tags=False,
             markets_kw=None):
    data = {f"{nm.split('_')[0]}/BTC": _signals(real_candles[f"{nm}-5m"], seed + i, n,
                                                tags=tags)
            for i, nm in enumerate(names)}
    markets = make_markets(list(data), **(markets_kw or {}))
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    assert len(ft) > 5
    return ft


CASES = {
    "roi_stop_one_pair": (["ETH_BTC"], {"minimal_roi": {"0": 0.02, "30": 0.01, "90": 0},
                                        "stoploss": -0.03}),
    "unlimited_profit_only": (
        ["ETH_BTC", "LTC_BTC", "ADA_BTC", "XMR_BTC", "ZEC_BTC", "DASH_BTC"],
        {"minimal_roi": {"0": 0.03, "20": 0.01, "60": 0}, "stoploss": -0.02,
         "stake_amount": "unlimited", "max_open_trades": 3, "exit_profit_only": True,
         "exit_profit_offset": 0.001}),
    "trailing_offset": (
        ["ETH_BTC", "LTC_BTC", "NXT_BTC", "XLM_BTC"],
        {"minimal_roi": {"0": 0.05}, "stoploss": -0.05, "trailing_stop": True,
         "trailing_stop_positive": 0.01, "trailing_stop_positive_offset": 0.015,
         "trailing_only_offset_is_reached": True, "max_open_trades": 2,
         "ignore_roi_if_entry_signal": True, "use_exit_signal": False}),
    "trailing_plain_one_slot": (
        ["TRX_BTC", "ETC_BTC", "ETH_BTC"],
        {"minimal_roi": {"0": 0.04, "40": 0.005}, "stoploss": -0.015, "trailing_stop": True,
         "max_open_trades": 1, "timerange": "20180111-"}),
    "amend_startup_stop_date": (
        ["XLM_BTC", "ZEC_BTC", "ADA_BTC", "LTC_BTC"],
        {"minimal_roi": {"0": 0.015, "15": 0.0}, "stoploss": -0.025, "stake_amount": 0.4,
         "dry_run_wallet": 1.0, "max_open_trades": 4, "amend_last_stake_amount": True,
         "last_stake_amount_min_ratio": 0.2, "startup_candle_count": 30,
         "timerange": "-20180114"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_trades_match_freqtrade(case, real_candles, tmp_path):
    names, config = CASES[case]
    ft = _compare(real_candles, names, config, tmp_path, seed=len(case), tags=True)
    if config.get("amend_last_stake_amount"):
        assert (ft["stake_amount"] < config["stake_amount"] - 1e-6).any()  # amended stakes
    if "trailing_stop" in config:
        assert (ft["exit_reason"] == "trailing_stop_loss").any()


def test_market_limits_and_amount_step(real_candles, tmp_path):
    # amount step 0.01 truncates; min cost 0.04 BTC * 1.05/0.95 lifts 0.04 stakes
    config = {"minimal_roi": {"0": 0.02}, "stoploss": -0.04, "stake_amount": 0.04,
              "dry_run_wallet": 0.5, "max_open_trades": 4, "trailing_stop": True,
              "trailing_stop_positive": 0.005}
    _compare(real_candles, ["ETH_BTC", "DASH_BTC", "XMR_BTC"], config, tmp_path,
             n=1500, markets_kw={"amount_step": 0.01, "cost_min": 0.04, "amount_min": 0.1})


def _synthetic(n=240, seed=3):
    """Candles with gaps through the stop, ROI-step jumps, flat stretches and a hole."""
    rng = np.random.default_rng(seed)
    close = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), 2)
    open_ = np.round(np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.004, n)), 2)
    gaps = rng.integers(5, n, 12)
    open_[gaps] = np.round(open_[gaps] * rng.choice([0.9, 1.1], 12), 2)
    open_[100:130] = close[100:130] = close[100]
    high = np.maximum(open_, close) + np.round(rng.random(n) * 0.8, 2)
    low = np.minimum(open_, close) - np.round(rng.random(n) * 0.8, 2)
    high[100:130], low[100:130] = close[100], close[100]
    dates = pd.date_range("2021-01-01", periods=n, freq="5min", tz="UTC")
    df = pd.DataFrame({"date": dates, "open": open_, "high": high, "low": low, "close": close,
                       "volume": 1.0})
    df["enter_long"] = (rng.random(n) < 0.2).astype(int)
    df["exit_long"] = (rng.random(n) < 0.05).astype(int)
    return df.drop(index=range(150, 156)).reset_index(drop=True)  # missing candles


def test_synthetic_gaps_steps_ties(tmp_path):
    data = {"AAA/USDT": _synthetic(), "BBB/USDT": _synthetic(seed=4)}
    config = {"minimal_roi": {"0": 0.03, "10": 0.02, "25": 0.01, "50": -1}, "stoploss": -0.02,
              "stake_amount": 100.0, "dry_run_wallet": 1000.0, "max_open_trades": 2}
    markets = make_markets(list(data), price_tick=0.01, amount_step=0.001)
    ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, markets, tmp_path)
    ours = bt.backtest(data, {**BASE, **config, "markets": markets})
    _assert_same_trades(ours, ft)
    assert {"roi", "stop_loss"} <= set(ft["exit_reason"])


FUTURES = {"trading_mode": "futures", "margin_mode": "isolated", "can_short": True,
           "futures_funding_rate": 0}
SHORT_CASES = {
    "roi_stop_signals": {"minimal_roi": {"0": 0.02, "20": 0.01}, "stoploss": -0.03},
    "trailing_unlimited": {"trailing_stop": True, "trailing_stop_positive": 0.005,
                           "trailing_stop_positive_offset": 0.01,
                           "trailing_only_offset_is_reached": True, "stoploss": -0.03,
                           "stake_amount": "unlimited", "exit_profit_only": True,
                           "minimal_roi": {"0": 0.05, "30": -1}},
    "trailing_one_slot": {"trailing_stop": True, "ignore_roi_if_entry_signal": True,
                          "max_open_trades": 1, "stoploss": -0.02,
                          "minimal_roi": {"0": 0.03, "10": 0.01}},
}


@pytest.mark.parametrize("case", list(SHORT_CASES))
def test_shorts_on_futures_match_freqtrade(case, real_candles, tmp_path):
    rng = np.random.default_rng(len(case))
    data = {}
    for nm in ("ETH", "LTC", "ADA", "XMR"):
        df = _signals(real_candles[f"{nm}_BTC-5m"], len(data), 2000, p_enter=0.04,
                      p_exit=0.04, tags=True)
        df["enter_short"] = (rng.random(len(df)) < 0.04).astype(int)
        df["exit_short"] = (rng.random(len(df)) < 0.04).astype(int)
        data[f"{nm}/USDT:USDT"] = df
    config = {**FUTURES, **SHORT_CASES[case]}
    markets = make_markets(list(data))
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    assert ft["is_short"].any() and (~ft["is_short"]).any()
    # a reversal: a trade opens on the candle where the pair's previous trade closed
    key = ft[["pair", "open_date", "close_date"]]
    assert key.merge(key, left_on=["pair", "close_date"],
                     right_on=["pair", "open_date"]).shape[0] > 0


def test_unsupported_settings_raise(real_candles):
    data = {"ETH/BTC": _signals(real_candles["ETH_BTC-5m"], 0, 300)}
    base = {**BASE, "stoploss": -0.1, "markets": make_markets(["ETH/BTC"])}
    for key, value in [("use_custom_stoploss", True), ("position_adjustment_enable", True),
                       ("enable_protections", True), ("timeframe_detail", "1m"),
                       ("can_short", True), ("leverage", 3), ("trading_mode", "margin")]:
        with pytest.raises(ValueError, match=key):
            bt.backtest(data, {**base, key: value})
    futures = {**base, **FUTURES}
    bt.backtest(data, futures)  # supported
    for key, value, match in [("futures_funding_rate", None, "funding"),
                              ("margin_mode", "cross", "margin_mode"),
                              ("stoploss", -0.9, "liquidation")]:
        with pytest.raises(ValueError, match=match):
            bt.backtest(data, {**futures, key: value})
    with pytest.raises(ValueError, match="unlimited"):
        bt.backtest(data, {**base, "stake_amount": "unlimited", "max_open_trades": -1})
    with pytest.raises(ValueError, match="stoploss"):
        bt.backtest(data, {k: v for k, v in base.items() if k != "stoploss"})
    with pytest.raises(ValueError, match="timeframe"):
        bt.backtest(data, {**base, "timeframe": "5x"})
    shorty = data["ETH/BTC"].assign(enter_short=1)
    with pytest.raises(ValueError, match="short"):
        bt.backtest({"ETH/BTC": shorty}, base)
    with pytest.raises(TypeError, match="data"):
        bt.backtest([], base)


def test_bad_frames_raise_or_match(real_candles):
    """Odd column types give the trades of the plain frame, or a clear error."""
    df = _signals(real_candles["ETH_BTC-5m"], 0, 1500)
    base = {**BASE, "stoploss": -0.1, "markets": make_markets(["ETH/BTC"])}
    ref = bt.backtest({"ETH/BTC": df}, base)
    assert len(ref) > 5
    same = [df.assign(enter_long=df.enter_long.astype(bool)),
            df.assign(enter_long=df.enter_long.astype(np.int8)),
            df.assign(enter_long=df.enter_long.astype(float)),
            df.assign(enter_long=df.enter_long.astype("Int64")),
            df.assign(enter_long=df.enter_long.astype(object)),
            df.assign(date=df.date.dt.tz_localize(None)),
            df.assign(date=df.date.astype("datetime64[s, UTC]")),
            df.assign(date=df.date.dt.tz_convert("Europe/Berlin")),
            df.set_index(df.index * 3 + 7),
            pd.concat([df, df[["volume"]]], axis=1),  # a duplicate column not read
            pd.concat([df.drop(columns=["open", "high", "low", "close"]),  # one 2-D block
                       pd.DataFrame(df[["open", "high", "low", "close"]].to_numpy(),
                                    columns=["open", "high", "low", "close"])], axis=1)]
    for frame in same:
        pd.testing.assert_frame_equal(bt.backtest({"ETH/BTC": frame}, base), ref)
    for frame, exc, match in [
            (df.assign(enter_long=df.enter_long.astype(str)), TypeError, "numeric"),
            (pd.concat([df, df[["enter_long"]]], axis=1), ValueError, "duplicate"),
            (df.assign(date=df.date.astype(object)), TypeError, "datetimes"),
            (df.assign(date=df.date.where(df.index != 5)), ValueError, "missing dates"),
            (df.assign(open=df.open.where(df.index != 5)), ValueError, "finite"),
            (df.assign(date=df.date + pd.Timedelta(seconds=1)), ValueError, "whole minutes"),
            (df.iloc[::-1], ValueError, "increasing")]:
        with pytest.raises(exc, match=match):
            bt.backtest({"ETH/BTC": frame}, base)


def test_prices_off_the_market_grid_raise(real_candles):
    df = _signals(real_candles["ETH_BTC-5m"], 0, 500, p_enter=0.3, p_exit=0.5)
    for c in ("open", "high", "low", "close"):
        df[c] = (df[c] + 3e-9).round(9)  # finer than the 1e-8 market tick
    df["open"] = df["low"]  # an exit at the open rounds to below the candle
    config = {**BASE, "stoploss": -0.01, "minimal_roi": {"0": 0.001},
              "markets": make_markets(["ETH/BTC"])}
    with pytest.raises(ValueError, match="limit order"):
        bt.backtest({"ETH/BTC": df}, {**config, "tick_size_from_data": False})
    assert len(bt.backtest({"ETH/BTC": df}, config)) > 10  # data ticks (1e-9): all fill


def _coarse(n, seed, start, decimals, month_digits=None, month=2):
    """Candles priced near ``start`` with ``decimals`` decimals (``month_digits``: one
    calendar ``month`` printed with fewer decimals, or with whole numbers only)."""
    rng = np.random.default_rng(seed)
    close = start * np.exp(np.cumsum(rng.normal(0, 0.004, n)))
    open_ = np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.001, n))
    high = np.maximum(open_, close) * (1 + rng.random(n) * 0.003)
    low = np.minimum(open_, close) * (1 - rng.random(n) * 0.003)
    dates = pd.date_range("2021-01-30", periods=n, freq="1h", tz="UTC")
    df = pd.DataFrame({"date": dates, "open": open_, "high": high, "low": low, "close": close,
                       "volume": 1.0})
    digits = np.full(n, decimals)
    if month_digits is not None:
        digits[dates.month == month] = month_digits
    for c in ("open", "high", "low", "close"):
        df[c] = [round(v, int(d)) for v, d in zip(df[c], digits)]
    df["high"] = df[["open", "high", "low", "close"]].max(axis=1)
    df["low"] = df[["open", "high", "low", "close"]].min(axis=1)
    df["enter_long"] = (rng.random(n) < 0.08).astype(int)
    df["exit_long"] = (rng.random(n) < 0.05).astype(int)
    return df


def test_price_ticks_from_the_candles_match_freqtrade(tmp_path):
    # market tick 0.01 on 0.123456-priced candles: Freqtrade rounds prices to the tick its
    # candles show per calendar month (1e-6 here, 1e-4 in a coarser month), not the market's
    data = {"AAA/USDT": _coarse(2000, 1, 0.123456, 6, month_digits=4),
            "BBB/USDT": _coarse(2000, 2, 57.3, 3, month_digits=0, month=1),
            "CCC/USDT": _coarse(2000, 3, 1.5, 7)}
    config = {"minimal_roi": {"0": 0.011, "600": 0.004}, "stoploss": -0.013,
              "trailing_stop": True, "trailing_stop_positive": 0.003,
              "trailing_stop_positive_offset": 0.006, "stake_amount": 100.0,
              "dry_run_wallet": 1000.0, "max_open_trades": 3, "timeframe": "1h"}
    markets = make_markets(list(data), price_tick=0.01, amount_step=0.001)
    markets["BBB/USDT"]["precision"]["price"] = 0.5  # its first, whole-number month uses it
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    aaa = ft[ft["pair"] == "AAA/USDT"]
    feb = aaa["open_date"].dt.month == 2
    assert feb.any() and (~feb).any() and len(ft) > 30
    # rounded to 1e-4 in February, to 1e-6 otherwise (never to the market's 0.01)
    assert (np.round(aaa.loc[feb, "stop_loss_abs"], 4) == aaa.loc[feb, "stop_loss_abs"]).all()
    assert (np.round(aaa.loc[~feb, "stop_loss_abs"], 4) != aaa.loc[~feb, "stop_loss_abs"]).any()


def test_pairs_starting_late_and_ending_early(real_candles, tmp_path):
    # Freqtrade waits for a pair's first row, force-exits each pair at its own last row,
    # and lists force exits by the order pairs were first seen
    frames = {"ETH/BTC": _signals(real_candles["ETH_BTC-5m"], 1, 1500, p_exit=0.0),
              "LTC/BTC": _signals(real_candles["LTC_BTC-5m"], 2, 1500, p_exit=0.0),
              "XMR/BTC": _signals(real_candles["XMR_BTC-5m"], 3, 1500, p_exit=0.0)}
    frames["LTC/BTC"] = frames["LTC/BTC"].iloc[200:1300].reset_index(drop=True)
    frames["XMR/BTC"] = frames["XMR/BTC"].iloc[400:].reset_index(drop=True)
    config = {"minimal_roi": {"0": 0.5}, "stoploss": -0.3, "max_open_trades": 5}
    markets = make_markets(list(frames))
    ft = _freqtrade_and_ours_agree(frames, config, markets, tmp_path)
    assert (ft["exit_reason"] == "force_exit").sum() >= 2


def test_fee_from_markets_when_not_configured(real_candles, tmp_path):
    # Freqtrade takes max(taker, maker) of the first pair's market when `fee` is unset
    data = {"ETH/BTC": _signals(real_candles["ETH_BTC-5m"], 9, 1000)}
    markets = make_markets(list(data))
    markets["ETH/BTC"].update(taker=0.0025, maker=0.0015)
    config = {"minimal_roi": {"0": 0.01}, "stoploss": -0.02, "fee": None}
    ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, markets, tmp_path)
    ours = bt.backtest(data, {**BASE, **config, "markets": markets})
    _assert_same_trades(ours, ft)
    assert (ft["fee_open"] == 0.0025).all()


# --- futures: funding fees, liquidation ---------------------------------------------

def _futures_data(real_candles, names, seed, n=2000, p_enter=0.02, p_exit=0.01):
    rng = np.random.default_rng(seed)
    data = {}
    for i, nm in enumerate(names):
        df = _signals(real_candles[f"{nm}_BTC-5m"], seed + i, n, p_enter=p_enter,
                      p_exit=p_exit, tags=True)
        df["enter_short"] = (rng.random(len(df)) < p_enter).astype(int)
        df["exit_short"] = (rng.random(len(df)) < p_exit).astype(int)
        data[f"{nm}/USDT:USDT"] = df
    return data


def _funding_frames(data, seed, drop_lead=0, drop_some=0):
    """Hourly funding rates of both signs and hourly mark candles near the pair's price."""
    rng = np.random.default_rng(seed)
    rates, marks = {}, {}
    for pair, df in data.items():
        hours = pd.date_range(df["date"].iloc[0].floor("h"), df["date"].iloc[-1], freq="1h")
        price = df.set_index("date")["close"].reindex(hours, method="ffill").bfill()
        mark = np.round(price.to_numpy() * (1 + rng.normal(0, 0.002, len(hours))), 8)
        marks[pair] = pd.DataFrame({"date": hours, "open": mark, "high": mark, "low": mark,
                                    "close": mark})
        fr = pd.DataFrame({"date": hours,
                           "funding_rate": np.round(rng.normal(2e-4, 8e-4, len(hours)), 6)})
        keep = np.ones(len(fr), bool)
        keep[:drop_lead] = False
        if drop_some:
            keep[rng.choice(np.arange(drop_lead, len(fr)), drop_some, replace=False)] = False
        rates[pair] = fr[keep].reset_index(drop=True)
    return rates, marks


FUNDING_CASES = {
    "inner_join_gaps": ({"minimal_roi": {"0": 0.03, "120": 0.01}, "stoploss": -0.04}, {},
                        {"drop_some": 5}),
    "default_rate_fills_lead": (
        {"minimal_roi": {"0": 0.02}, "stoploss": -0.03, "futures_funding_rate": 0.0005,
         "trailing_stop": True, "trailing_stop_positive": 0.004,
         "trailing_stop_positive_offset": 0.008, "exit_profit_only": True,
         "stake_amount": "unlimited"},
        {}, {"drop_lead": 6}),
    "no_funding_rates_default_rate": (
        {"minimal_roi": {"0": 0.05, "60": 0.002}, "stoploss": -0.05,
         "futures_funding_rate": -0.001, "ignore_roi_if_entry_signal": True},
        {"no_rates": True}, {}),
}


@pytest.mark.parametrize("case", list(FUNDING_CASES))
def test_funding_fees_match_freqtrade(case, real_candles, tmp_path):
    config, opts, frame_kw = FUNDING_CASES[case]
    data = _futures_data(real_candles, ["ETH", "LTC", "ADA"], len(case))
    rates, marks = _funding_frames(data, len(case), **frame_kw)
    if opts.get("no_rates"):
        rates = {}
    del marks["ADA/USDT:USDT"]  # no mark candles: no funding for that pair
    base = {k: v for k, v in FUTURES.items() if k != "futures_funding_rate"}  # None: join
    config = {**base, **config, "funding_rates": rates, "mark_prices": marks}
    markets = make_markets(list(data))
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    paid = ft["funding_fees"].to_numpy()
    assert (paid > 0).any() and (paid < 0).any() and len(ft) > 10
    assert (ft.loc[ft["pair"] == "ADA/USDT:USDT", "funding_fees"] == 0).all()


def _trending(n, seed, drift, tick=0.01, start=100.0):
    """5m candles with a strong trend (and a few gaps) so that leveraged-out trades run far
    against themselves; on the ``tick`` grid."""
    rng = np.random.default_rng(seed)
    waves = np.where((np.arange(n) // 150) % 2 == 0, 1.0, -1.0)  # trend up/down by turns
    steps = rng.normal(0, 0.01, n) + drift * waves
    close = np.round(start * np.exp(np.cumsum(steps)), 2)
    open_ = np.round(np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.003, n)), 2)
    jumps = rng.integers(5, n, 6)
    open_[jumps] = np.round(open_[jumps] * (1 + 8 * drift * waves[jumps]), 2)
    high = np.round(np.maximum(open_, close) + rng.random(n) * close * 0.004, 2)
    low = np.round(np.maximum(np.minimum(open_, close) - rng.random(n) * close * 0.004, tick),
                   2)
    dates = pd.date_range("2021-03-01", periods=n, freq="5min", tz="UTC")
    df = pd.DataFrame({"date": dates, "open": open_, "high": high, "low": low, "close": close,
                       "volume": 1.0})
    # enter along the trend's first leg against it: shorts on rises, longs on falls
    df["enter_long"] = ((rng.random(n) < 0.05) & (drift * waves <= 0)).astype(int)
    df["exit_long"] = (rng.random(n) < 0.003).astype(int)
    df["enter_short"] = ((rng.random(n) < 0.05) & (drift * waves >= 0)).astype(int)
    df["exit_short"] = (rng.random(n) < 0.003).astype(int)
    return df


TIERS = [  # Freqtrade's parsed tier form; the second tier has a maintenance amount
    {"minNotional": 0.0, "maxNotional": 50.0, "maintenanceMarginRate": 0.01,
     "maxLeverage": 50.0, "maintAmt": 0.0},
    {"minNotional": 50.0, "maxNotional": 1e9, "maintenanceMarginRate": 0.025,
     "maxLeverage": 20.0, "maintAmt": 0.75},
]


@pytest.mark.parametrize("stake", [40.0, 100.0])
def test_liquidation_matches_freqtrade(stake, tmp_path):
    data = {"UP/USDT:USDT": _trending(900, 1, 0.006),
            "DOWN/USDT:USDT": _trending(900, 2, -0.025),
            "SWING/USDT:USDT": _trending(900, 3, 0.0)}
    config = {**FUTURES, "minimal_roi": {"0": 5.0}, "stoploss": -0.99,
              "stake_amount": stake, "dry_run_wallet": 1000.0, "max_open_trades": 3,
              "leverage_tiers": {p: TIERS for p in data}, "liquidation_buffer": 0.04}
    markets = make_markets(list(data), price_tick=0.01, amount_step=0.001)
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    liq = ft[ft["exit_reason"] == "liquidation"]
    assert liq["is_short"].any() and (~liq["is_short"]).any()


def _with_gaps(df, seed, n_gaps=8, flat=(300, 340)):
    """Drop random blocks of candles (a pair simply has no row then) and flatten a stretch
    (open = high = low = close)."""
    rng = np.random.default_rng(seed)
    df = df.copy()
    a, b = flat
    df.loc[a:b, ["open", "high", "low"]] = df.loc[a, "close"]
    df.loc[a:b, "close"] = df.loc[a, "close"]
    keep = np.ones(len(df), bool)
    for start in rng.integers(1, len(df) - 30, n_gaps):
        keep[start:start + rng.integers(1, 25)] = False
    return df[keep].reset_index(drop=True)


@pytest.mark.parametrize("futures", [False, True])
def test_gaps_and_flat_stretches_match_freqtrade(futures, tmp_path):
    data = {}
    for i, pair in enumerate(("AAA/USDT", "BBB/USDT", "CCC/USDT", "DDD/USDT")):
        df = _trending(900, 10 + i, 0.0)
        if not futures:
            df["enter_short"] = df["exit_short"] = 0
            df["enter_long"] = (np.random.default_rng(i).random(len(df)) < 0.06).astype(int)
        data[pair + (":USDT" if futures else "")] = _with_gaps(df, i)
    data[list(data)[1]] = data[list(data)[1]].iloc[40:].reset_index(drop=True)  # starts late
    config = {"minimal_roi": {"0": 0.03, "30": 0.01, "120": 0}, "stoploss": -0.02,
              "trailing_stop": True, "trailing_stop_positive": 0.01,
              "trailing_stop_positive_offset": 0.015, "stake_amount": 100.0,
              "dry_run_wallet": 1000.0, "max_open_trades": 3}
    if futures:
        rates, marks = _funding_frames(data, 5)
        config = {**{k: v for k, v in FUTURES.items() if k != "futures_funding_rate"},
                  **config, "funding_rates": rates, "mark_prices": marks,
                  "leverage_tiers": {p: TIERS for p in data}}
    markets = make_markets(list(data), price_tick=0.01, amount_step=0.001)
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    assert len(ft) > 20 and {"roi", "stop_loss", "trailing_stop_loss"} <= set(ft["exit_reason"])
    if futures:
        assert (ft["funding_fees"] != 0).any()


@pytest.mark.parametrize("backend_name", ["compiled", "numpy"])
def test_month_ticks_equal_freqtrades_tick_size_over_time(backend_name, real_candles):
    from freqtrade.data.btanalysis import get_tick_size_over_time
    rng = np.random.default_rng(7)
    n = 30_000
    dates = pd.date_range("2020-11-20", periods=n, freq="15min", tz="UTC")
    digits = rng.integers(0, 11, n // 2000 + 1).repeat(2000)[:n]  # runs of equal digits
    frames = {"gen": pd.DataFrame({"date": dates} | {
        c: [round(v, int(d)) for v, d in zip(10.0 ** rng.uniform(-4, 5, n) + 0.001, digits)]
        for c in ("open", "high", "low", "close")})}
    frames["gen"].loc[5000:9000, ["open", "high", "low", "close"]] = 7.0  # whole numbers
    # months on both sides of the epoch, and a leap February
    for start in ("1969-07-03 12:00", "2023-11-20"):
        frames[start] = frames["gen"].assign(
            date=pd.date_range(start, periods=n, freq="15min", tz="UTC"))
    frames.update({k: real_candles[k].iloc[:20_000] for k in ("ETH_BTC-5m", "XMR_BTC-5m")})
    _backend.set_backend(backend_name, "backtest")
    try:
        for df in frames.values():
            ref = get_tick_size_over_time(df[["date", "open", "high", "low", "close"]].copy())
            # Backtesting.get_precision_for_pair: Series.asof, which skips NaN months
            want = ref.dropna().reindex(pd.DatetimeIndex(df["date"]), method="ffill")
            minutes = bt._minutes(df["date"], "gen")
            ohlc = [np.ascontiguousarray(df[c].to_numpy(float))
                    for c in ("open", "high", "low", "close")]
            for first, n in ((-1, len(df)), (99, len(df) - 200)):
                tick_m, tick_p10 = _backend.family("backtest").call(
                    "row_ticks", minutes, *ohlc, first, n)
                got = np.where(tick_m > 0, 1 / tick_p10, np.nan)
                np.testing.assert_array_equal(got, want.to_numpy()[first + 1: first + 1 + n])
    finally:
        _backend.set_backend("compiled", "backtest")


def test_bad_futures_inputs_raise(real_candles):
    data = _futures_data(real_candles, ["ETH"], 0, n=300)
    pair = "ETH/USDT:USDT"
    rates, marks = _funding_frames(data, 0)
    base = {**BASE, "trading_mode": "futures", "margin_mode": "isolated", "can_short": True,
            "stoploss": -0.1, "markets": make_markets([pair]), "funding_rates": rates,
            "mark_prices": marks}
    bt.backtest(data, base)  # valid
    nat = marks[pair].assign(date=pd.NaT)
    no_open = marks[pair].drop(columns="open")
    text = rates[pair].assign(funding_rate="x")
    for bad, exc, match in [
            ({"funding_rates": [1]}, TypeError, "funding_rates"),
            ({"mark_prices": {pair: nat}}, TypeError, "mark_prices"),
            ({"mark_prices": {pair: no_open}}, ValueError, "open"),
            ({"funding_rates": {pair: text}}, TypeError, "numeric"),
            ({"funding_rates": {pair: rates[pair].iloc[::-1]}}, ValueError, "ascending"),
            ({"leverage_tiers": {pair: [{"minNotional": 0}]}}, ValueError, "maintAmt"),
            ({"leverage_tiers": {pair: [{**TIERS[1]}]}}, ValueError, "notional 0"),
            ({"leverage_tiers": []}, TypeError, "leverage_tiers"),
            ({"leverage_tiers": {"X/USDT:USDT": TIERS}}, ValueError, "no tiers for ETH"),
            ({"leverage_tiers": {pair: TIERS}, "exchange": {"name": "okx"}}, ValueError,
             "Binance"),
            ({"funding_fee_timeframe": "8x"}, ValueError, "timeframe"),
            ({"stoploss": -0.9}, ValueError, "leverage_tiers"),
            ({"tick_size_from_data": 1}, TypeError, "tick_size_from_data")]:
        with pytest.raises(exc, match=match):
            bt.backtest(data, {**base, **bad})


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_futures_compiled_equals_fallback(data):
    """Random futures candles with gaps, funding rows off the candle grid, maintenance
    tiers, wide stops and coarse ticks: both backends give the same trades."""
    seed = data.draw(st.integers(0, 10**6))
    rng = np.random.default_rng(seed)
    frames, rates, marks = {}, {}, {}
    for i in range(data.draw(st.integers(1, 3))):
        n = int(rng.integers(20, 200))
        close = np.round(50 * np.exp(np.cumsum(rng.normal(0, 0.03, n))), 3)
        open_ = np.round(np.r_[close[0], close[:-1]] * (1 + rng.normal(0, 0.01, n)), 3)
        high = np.round(np.maximum(open_, close) * (1 + rng.random(n) * 0.02), 3)
        low = np.round(np.minimum(open_, close) * (1 - rng.random(n) * 0.02), 3)
        dates = pd.date_range("2022-01-31 20:00", periods=n, freq="15min", tz="UTC")
        df = pd.DataFrame({"date": dates, "open": open_, "high": high, "low": np.maximum(
            low, 0.001), "close": close, "volume": 1.0})
        for col, p in (("enter_long", 0.1), ("exit_long", 0.05), ("enter_short", 0.1),
                       ("exit_short", 0.05)):
            df[col] = (rng.random(n) < p).astype(int)
        df = df[rng.random(n) > 0.15].reset_index(drop=True)  # gaps
        pair = f"P{i}/USDT:USDT"
        frames[pair] = df
        hours = pd.date_range(dates[0].floor("h"), dates[-1], freq="30min")
        marks[pair] = pd.DataFrame({"date": hours, "open": 50 * (1 + rng.random(len(hours)))})
        fr = pd.DataFrame({"date": hours, "funding_rate": rng.normal(0, 1e-3, len(hours))})
        rates[pair] = fr[rng.random(len(fr)) > 0.3].reset_index(drop=True)
    config = {**BASE, "trading_mode": "futures", "margin_mode": "isolated", "can_short": True,
              "stake_amount": 10.0, "dry_run_wallet": 100.0, "timeframe": "15m",
              "stoploss": data.draw(st.sampled_from([-0.05, -0.5, -0.99])),
              "minimal_roi": data.draw(st.sampled_from([{"0": 0.05}, {"0": 0.1, "30": 0.0}])),
              "trailing_stop": data.draw(st.booleans()),
              "funding_rates": rates, "mark_prices": marks,
              "futures_funding_rate": data.draw(st.sampled_from([None, 0.0005])),
              "funding_fee_timeframe": data.draw(st.sampled_from(["1h", "30m"])),
              "leverage_tiers": {p: TIERS for p in frames},
              "markets": make_markets(list(frames), price_tick=0.001, amount_step=0.01)}
    results = {}
    for b in ("compiled", "numpy"):
        _backend.set_backend(b, "backtest")
        try:
            results[b] = bt.backtest(frames, config)
        finally:
            _backend.set_backend("compiled", "backtest")
    pd.testing.assert_frame_equal(results["compiled"], results["numpy"], rtol=1e-12)


def test_funding_every_8h_on_hourly_candles_matches_freqtrade(tmp_path):
    data = {}
    for i, pair in enumerate(("AAA/USDT:USDT", "BBB/USDT:USDT")):
        df = _coarse(1500, 20 + i, 30.0 + i, 4)
        df["enter_short"] = (np.random.default_rng(i).random(len(df)) < 0.08).astype(int)
        df["exit_short"] = (np.random.default_rng(i + 9).random(len(df)) < 0.03).astype(int)
        data[pair] = df
    rates, marks = {}, {}
    for pair, df in data.items():
        eight = df["date"][df["date"].dt.hour % 8 == 0].reset_index(drop=True)
        rates[pair] = pd.DataFrame({"date": eight, "funding_rate": np.round(
            np.random.default_rng(3).normal(3e-4, 5e-4, len(eight)), 6)})
        marks[pair] = df[["date", "open", "high", "low", "close"]].copy()
    config = {"trading_mode": "futures", "margin_mode": "isolated", "can_short": True,
              "timeframe": "1h", "minimal_roi": {"0": 0.04, "240": 0.0}, "stoploss": -0.05,
              "stake_amount": 100.0, "dry_run_wallet": 1000.0, "max_open_trades": 2,
              "exit_profit_only": True, "funding_rates": rates, "mark_prices": marks,
              "leverage_tiers": {p: TIERS for p in data}}
    markets = make_markets(list(data), price_tick=0.0001, amount_step=0.001)
    ft = run_freqtrade({k: v.copy() for k, v in data.items()}, config, markets, tmp_path)
    ours = bt.backtest(data, {**BASE, **config, "markets": markets})
    _assert_same_trades(ours, ft)
    assert (ft["funding_fees"] != 0).mean() > 0.5 and len(ft) > 20


def test_liquidation_gap_exits_at_the_open_as_freqtrade(tmp_path):
    # a short's candle opening above its liquidation price (but below its -99% stop) and a
    # long's candle opening below it: both leave at the open
    n = 60
    o = np.full(n, 100.0)
    h, lo, c = o + 0.5, o - 0.5, o.copy()
    o[20], h[20], lo[20], c[20] = 196.0, 197.0, 195.0, 196.0
    o[40], h[40], lo[40], c[40] = 3.0, 3.5, 2.0, 3.0
    df = pd.DataFrame({"date": pd.date_range("2021-06-01", periods=n, freq="5min", tz="UTC"),
                       "open": o, "high": h, "low": lo, "close": c, "volume": 1.0})
    df["enter_short"] = (np.arange(n) == 5).astype(int)
    df["enter_long"] = (np.arange(n) == 30).astype(int)
    df["exit_long"] = df["exit_short"] = 0
    data = {"GAP/USDT:USDT": df}
    config = {**FUTURES, "minimal_roi": {"0": 5.0}, "stoploss": -0.99, "stake_amount": 40.0,
              "dry_run_wallet": 1000.0, "max_open_trades": 1,
              "leverage_tiers": {"GAP/USDT:USDT": TIERS}}
    markets = make_markets(list(data), price_tick=0.01, amount_step=0.001)
    ft = _freqtrade_and_ours_agree(data, config, markets, tmp_path)
    assert ft["exit_reason"].tolist() == ["liquidation", "liquidation"]
    assert ft["close_rate"].tolist() == [196.0, 3.0]
