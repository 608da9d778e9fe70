"""Freqtrade's sample strategy's populate_indicators on ftaccel alone equals TA-Lib +
technical.qtpylib on real candles, on both backends."""

import numpy as np
import pandas as pd
import talib.abstract
from technical import qtpylib as ref_qtpylib

import ftaccel.qtpylib
import ftaccel.ta
from ftaccel.bench import sample_strategy


def test_sample_strategy_indicators_match(backend, real_candles):
    for pair, frame in list(real_candles.items())[:4]:
        with np.errstate(all="ignore"):
            got = sample_strategy(frame, ftaccel.ta, ftaccel.qtpylib)
            expected = sample_strategy(frame, talib.abstract, ref_qtpylib)
        assert list(got.columns) == list(expected.columns)
        assert got.notna().to_numpy().any(), pair
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9,
                                      obj=f"{pair} [{backend}]")
