"""Volume indicators (OBV, AD, ADOSC), TA-Lib compatible."""
