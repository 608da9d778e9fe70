# ftaccel in a container: the build stage compiles the kernels into a wheel (numba and a C
# compiler live there only); the runtime stage installs that wheel with numpy and pandas,
# with no numba, no llvmlite and no compiler, and checks it.
#
#   docker build -t ftaccel .
#   docker run --rm ftaccel ftaccel info
#
# The same steps run without Docker in tests/test_wheel.py (wheel -> fresh venv -> smoke
# test -> verify).
ARG PYTHON=3.12

FROM python:${PYTHON}-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py build_kernels.py MANIFEST.in README.md ./
COPY ftaccel ./ftaccel
# Build isolation installs the build requirements (setuptools, numpy>=2, numba) here only.
RUN python -m pip wheel . --no-deps -w /wheels

FROM python:${PYTHON}-slim AS runtime
COPY --from=build /wheels /wheels
COPY tests/smoke_installed.py /opt/ftaccel/smoke_installed.py
# Runtime dependencies only (numpy, pandas), then the checks the wheel tests run.
RUN python -m pip install --no-cache-dir /wheels/ftaccel-*.whl \
    && rm -rf /wheels \
    && cd /opt/ftaccel \
    && python smoke_installed.py \
    && ftaccel verify
CMD ["python", "-m", "ftaccel", "info"]
