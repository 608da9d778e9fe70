"""numpy/pandas twins of ``ftaccel.kernels.indicators``, one module per kernel module."""

# ruff: noqa: F403
from ._common import *
from .cycle import *
from .mathops import *
from .momentum import *
from .oscillators import *
from .overlap import *
from .price import *
from .qtpylib import *
from .statistic import *
from .volatility import *
from .volume import *
