"""Moving-average oscillators (MACD family, APO, PPO, STOCH family, TRIX), TA-Lib compatible."""
