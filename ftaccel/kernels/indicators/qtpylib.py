"""Kernels behind ftaccel.qtpylib (technical.qtpylib's helpers, pandas semantics)."""
