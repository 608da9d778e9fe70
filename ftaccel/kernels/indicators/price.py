"""Price transforms (AVGPRICE, MEDPRICE, TYPPRICE, WCLPRICE), TA-Lib compatible."""
