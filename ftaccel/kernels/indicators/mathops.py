"""Math operators (MAX, MIN, SUM, MAXINDEX, MININDEX), TA-Lib compatible."""
