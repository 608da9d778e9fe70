"""ftaccel.backtest.exit_scan: Freqtrade's stoploss/ROI exit rules, compiled vs fallback."""

from __future__ import annotations

import numpy as np
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
