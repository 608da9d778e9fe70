"""setuptools entry point: the extension build compiles the kernels with build_kernels.py.

Metadata lives in pyproject.toml. ``pip install .`` / ``pip wheel .`` build the three
``ftaccel._aot_*`` modules from ``ftaccel/kernels`` (numba, numpy and setuptools are build
requirements only).
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # build isolation
import build_kernels  # noqa: E402


class BuildKernels(build_ext):
    """build_ext that first generates each pycc module's LLVM object file."""

    def build_extension(self, ext):
        build_kernels.prepare_extension(ext, self)
        super().build_extension(ext)

    def get_source_files(self):
        """Sources the sdist lists: pycc's extensions also name numba's own C support files
        by absolute path (they come from the numba installed at build time); listed in the
        sdist's manifest they break the build from that sdist."""
        return [f for f in super().get_source_files() if not os.path.isabs(f)]


setup(ext_modules=build_kernels.extensions(), cmdclass={"build_ext": BuildKernels})
