"""Turn ftaccel on inside a running Freqtrade: :func:`install` and :func:`uninstall`.

Two ways in:

* one line at the top of a strategy file::

      from ftaccel.freqtrade import install; install()

  (reads the ``performance_optimization`` block of a config given to it, else the
  defaults and the ``FTACCEL_*`` environment variables, see :mod:`ftaccel.config`);
* the ``ftaccel-freqtrade`` console script: Freqtrade's own command line, with
  :func:`install` applied from the ``--config`` files it is given.

What :func:`install` patches, per enabled module (see :mod:`ftaccel.config` for phases):

``metrics``
    every ``freqtrade.data.metrics`` function that :mod:`ftaccel.metrics` reproduces
    (the names in ``ftaccel.metrics.FUNCTIONS`` at call time), in that module and in
    every already imported ``freqtrade.*`` module that bound the function with
    ``from freqtrade.data.metrics import ...`` (found by identity: an attribute that *is*
    Freqtrade's function object). Modules imported later get the patched function from
    ``freqtrade.data.metrics`` itself.
``indicators``
    ``talib.<NAME>`` and ``talib.abstract.<NAME>`` (and identical bindings in
    ``freqtrade.*`` modules) for every name both TA-Lib and :mod:`ftaccel.ta` provide;
    the other names stay TA-Lib's. The replacement is a plain function accepting both
    TA-Lib call forms (arrays, or a DataFrame as the abstract API), not a
    ``talib.abstract.Function`` object (``.info``, ``.set_parameters`` are TA-Lib's only).
    With them, the ``technical.qtpylib`` helpers that :mod:`ftaccel.qtpylib` reproduces bit
    for bit with the same signature (reported under ``"qtpylib"``), there and wherever a
    loaded ``technical.*`` / ``freqtrade.*`` module (``freqtrade.vendor.qtpylib``) holds the
    same object; the others (``rsi``) stay technical's.
``backtesting``
    ``Backtesting.backtest`` (the loop of ``freqtrade backtesting`` and of every hyperopt
    epoch): runs whose strategy and config use only what :func:`ftaccel.backtest.backtest`
    models exactly go to it, the others to Freqtrade's loop, with one log line per strategy
    and decision saying which and why (see :mod:`ftaccel._freqtrade_backtest`). The
    returned dict is Freqtrade's (trades frame with its columns and dtypes, locks,
    counters, final balance, wallet captures).

:func:`uninstall` puts back every replaced attribute, the very object that was there.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import logging
import sys
import threading
from dataclasses import dataclass

from . import _backend, monitor
from . import config as _config

log = logging.getLogger("ftaccel")

__all__ = ["install", "uninstall", "installed", "patches", "report", "main"]


@dataclass
class _Patch:
    family: str  # "metrics" | "indicators" | "backtesting"
    module: str  # name of the patched module
    owner: object  # the module object
    attr: str
    original: object
    replacement: object
    inherited: bool = False  # a class attribute that came from a base class: delete it back


_lock = threading.RLock()
_patches: list[_Patch] = []
_settings: _config.Settings | None = None
_report: dict = {}


def installed() -> bool:
    """True between :func:`install` and :func:`uninstall`."""
    return _settings is not None


def report() -> dict:
    """What the current install patched (``{}`` when not installed); see :func:`install`."""
    with _lock:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in _report.items()}


def patches() -> list[tuple[str, str]]:
    """``(module, attribute)`` of every attribute currently replaced."""
    with _lock:
        return [(p.module, p.attr) for p in _patches]


_SCANNED = ("freqtrade", "technical")  # packages whose modules may hold patched bindings


def _freqtrade_modules():
    for name, mod in list(sys.modules.items()):
        if mod is not None and name.split(".")[0] in _SCANNED:
            yield name, mod


def _set(family: str, module_name: str, owner, attr: str, new) -> None:
    old = getattr(owner, attr)
    inherited = isinstance(owner, type) and attr not in vars(owner)
    setattr(owner, attr, new)
    _patches.append(_Patch(family, module_name, owner, attr, old, new, inherited))


def _replace_everywhere(family: str, source, originals: dict, make) -> list[str]:
    """Replace ``source.<name>`` (original ``originals[name]``) by ``make(name)`` there and
    wherever a loaded ``freqtrade.*`` or ``technical.*`` module holds the same object."""
    replacements = {name: make(name) for name in originals}
    by_id = {id(obj): name for name, obj in originals.items()}
    for name, new in replacements.items():
        _set(family, source.__name__, source, name, new)
    for mod_name, mod in _freqtrade_modules():
        if mod is source:
            continue
        for attr, value in list(vars(mod).items()):
            name = by_id.get(id(value))
            if name is not None and value is originals[name]:
                _set(family, mod_name, mod, attr, replacements[name])
    return sorted(replacements)


def _wrapper(settings, family: str):
    def make(func, name):
        if settings.performance_benchmarking or settings.detailed_performance_logging:
            return monitor.wrap(func, name, family, detailed=settings.detailed_performance_logging)
        return func
    return make


def _params(func) -> list[tuple]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


def _install_metrics(settings, refused: dict) -> list[str]:
    import freqtrade.data.metrics as ftm

    from . import metrics as fam

    prefix = "freqtrade.data.metrics."
    names = []
    for name, ref in fam.FUNCTIONS.items():
        if ref != prefix + name or not callable(getattr(ftm, name, None)):
            continue  # not a freqtrade.data.metrics function of this Freqtrade version
        ours, theirs = getattr(fam, name, None), getattr(ftm, name)
        if not callable(ours):
            continue
        if _params(ours) != _params(theirs):
            refused[f"metrics.{name}"] = (f"signature differs: ftaccel {inspect.signature(ours)}"
                                          f" vs freqtrade {inspect.signature(theirs)}")
            continue
        names.append(name)
    originals = {name: getattr(ftm, name) for name in names}
    wrap = _wrapper(settings, "metrics")
    return _replace_everywhere("metrics", ftm, originals, lambda n: wrap(getattr(fam, n), n))


def _indicator_mismatch(ta, abstract, name: str) -> str | None:
    """Why ftaccel's ``name`` cannot stand in for TA-Lib's (None: it can)."""
    info = abstract.Function(name).info
    ours = {p.name: p.default for p in inspect.signature(getattr(ta, name)).parameters.values()
            if p.default is not inspect.Parameter.empty}
    theirs = dict(info["parameters"])
    if ours != theirs:
        return f"parameters differ: ftaccel {ours} vs TA-Lib {theirs}"
    outputs = list(ta.BY_NAME[name].outputs)
    if outputs != list(info["output_names"]):
        return f"outputs differ: ftaccel {outputs} vs TA-Lib {list(info['output_names'])}"
    return None


def _install_indicators(settings, refused: dict) -> list[str]:
    import talib
    import talib.abstract as abstract

    from . import ta

    covered = []
    talib_names = set(talib.get_functions())
    for name in ta.get_functions():
        if name not in talib_names:
            continue
        why = _indicator_mismatch(ta, abstract, name)
        if why:
            refused[f"indicators.{name}"] = why
        else:
            covered.append(name)
    wrap = _wrapper(settings, "indicators")
    done = []
    for module in (talib, abstract):
        originals = {n: getattr(module, n) for n in covered if hasattr(module, n)}
        done = _replace_everywhere("indicators", module, originals,
                                   lambda n: wrap(getattr(ta, n), n)) or done
    return done


# ftaccel.qtpylib helpers whose results are not bit-identical to technical.qtpylib's: not
# patched (tests/test_freqtrade.py checks every patched helper for identical results)
QTPYLIB_NOT_IDENTICAL = {
    "rsi": "results differ from technical.qtpylib's in the last bits (its seed averages are "
           "numpy's pairwise sums, ftaccel's sequential ones)",
}


def _install_qtpylib(settings, refused: dict) -> list[str]:
    """``technical.qtpylib`` helpers (and the same objects in ``freqtrade.vendor.qtpylib``
    and other loaded ``freqtrade.*`` / ``technical.*`` modules) that ``ftaccel.qtpylib``
    reproduces bit for bit, with the same signature."""
    try:
        ref = importlib.import_module("technical.qtpylib")
    except ImportError:
        log.info("ftaccel: technical is not installed; qtpylib helpers not patched")
        return []
    from . import qtpylib as qt

    names = []
    for name in qt.__all__:
        theirs, ours = getattr(ref, name, None), getattr(qt, name)
        if not callable(theirs):
            continue
        if name in QTPYLIB_NOT_IDENTICAL:
            refused[f"qtpylib.{name}"] = QTPYLIB_NOT_IDENTICAL[name]
        elif _params(ours) != _params(theirs):
            refused[f"qtpylib.{name}"] = (f"signature differs: ftaccel {inspect.signature(ours)}"
                                          f" vs technical {inspect.signature(theirs)}")
        else:
            names.append(name)
    wrap = _wrapper(settings, "indicators")  # monitored as the indicators family
    originals = {n: getattr(ref, n) for n in names}
    return _replace_everywhere("qtpylib", ref, originals, lambda n: wrap(getattr(qt, n), n))


def _install_backtesting(settings) -> str:
    """Wrap ``Backtesting.backtest`` so that eligible runs go to the compiled backtest
    (:mod:`ftaccel._freqtrade_backtest` says what is eligible); the others, and runs the
    compiled backtest refuses, stay on Freqtrade's loop, with one log line saying why."""
    from freqtrade.optimize.backtesting import Backtesting

    from . import _freqtrade_backtest as ftb

    original = Backtesting.backtest
    _set("backtesting", Backtesting.__module__ + ".Backtesting", Backtesting, "backtest",
         ftb.dispatch(original, settings))
    msg = ("backtesting: Backtesting.backtest dispatched (ftaccel's compiled backtest for "
           "spot and isolated futures strategies without custom callbacks, Freqtrade's "
           "loop otherwise)")
    log.info("ftaccel: %s", msg)
    return msg


_HYPEROPT_MODULE = "freqtrade.optimize.hyperopt.hyperopt_optimizer"


def _settings_state(settings) -> dict:
    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)
            if f.name != "sources"}


def _in_worker(state: dict, rebuild, args):
    """Unpickling the hyperopt optimizer in a worker process: first install ftaccel there
    with the parent's settings (once per process), then rebuild the object as pickle would."""
    with _lock:
        if _settings is None or _settings_state(_settings) != state:
            # quietly: the parent logged this install already, and a reused worker's log
            # handler may still point at the log queue of an earlier, finished hyperopt
            quiet, log.disabled = log.disabled, True
            try:
                install(_config.Settings(**state))
            finally:
                log.disabled = quiet
    return rebuild(*args)


def _install_workers(settings) -> bool:
    """Hyperopt with several jobs runs its epochs in fresh worker processes (joblib/loky),
    each sent the pickled ``HyperOptimizer``: its pickling now carries the settings, and
    unpickling it installs ftaccel in the worker. Done when the hyperopt module is loaded
    (a strategy file is loaded after it; ``ftaccel-freqtrade hyperopt`` loads it first)."""
    mod = sys.modules.get(_HYPEROPT_MODULE)
    if mod is None or not hasattr(mod, "HyperOptimizer"):
        return False
    cls = mod.HyperOptimizer
    state = _settings_state(settings)

    def __reduce_ex__(self, protocol):
        rv = object.__reduce_ex__(self, protocol)
        return (_in_worker, (state, rv[0], rv[1]), *rv[2:])

    _set("workers", _HYPEROPT_MODULE + ".HyperOptimizer", cls, "__reduce_ex__", __reduce_ex__)
    log.info("ftaccel: hyperopt workers: each worker process installs ftaccel with these "
             "settings when it receives the optimizer")
    return True


def install(config=None) -> dict:
    """Patch Freqtrade with ftaccel for the modules ``config`` enables.

    :param config: a Freqtrade config (dict, or path of a JSON file) whose
        ``performance_optimization`` block is read, a :class:`ftaccel.config.Settings`,
        or None (defaults; the ``FTACCEL_*`` environment variables apply in every case
        but a Settings object).
    :return: ``{module: patched function names (or the backtesting message)}``, and
        ``"refused": {"module.NAME": reason}`` for functions ftaccel has but whose
        signature (metrics) or parameters/outputs (indicators) differ from Freqtrade's /
        TA-Lib's: those stay the originals.

    Calling it again first undoes the previous install, so install is idempotent and a
    new config replaces the old one. ``fallback_on_numba_error: false`` turns strict mode
    on (a failing compiled call raises instead of being answered by the numpy fallback).
    """
    global _settings, _report
    settings = config if isinstance(config, _config.Settings) else _config.load(config)
    with _lock:
        if _settings is not None:
            uninstall()
        _config.note_ignored(settings)
        report: dict = {}
        refused: dict = {}
        try:
            if "metrics" in settings.modules:
                report["metrics"] = _install_metrics(settings, refused)
            if "indicators" in settings.modules:
                report["indicators"] = _install_indicators(settings, refused)
                report["qtpylib"] = _install_qtpylib(settings, refused)
            if "backtesting" in settings.modules:
                report["backtesting"] = _install_backtesting(settings)
            if settings.modules and _install_workers(settings):
                report["hyperopt_workers"] = True
        except ImportError as exc:
            _undo()
            raise ImportError(f"ftaccel.freqtrade.install: {exc.name or exc} is not installed; "
                              f"modules enabled: {', '.join(settings.modules)}") from exc
        except BaseException:
            _undo()
            raise
        if refused:
            report["refused"] = refused
            for what, why in refused.items():
                log.warning("ftaccel: %s not patched (Freqtrade's stays): %s", what, why)
        _backend.set_strict(True if not settings.fallback_on_numba_error else None)
        if settings.performance_benchmarking:
            monitor.summarize_at_exit()
        _settings, _report = settings, report
        _config._set_current(settings)
        if not settings.modules:
            log.info("ftaccel: performance_optimization disabled; Freqtrade unchanged")
        for module, what in report.items():
            if module != "refused" and isinstance(what, list):
                log.info("ftaccel: %s: %d functions patched (%s), %d references",
                         module, len(what), ", ".join(what),
                         sum(1 for p in _patches if p.family == module))
        return dict(report)


def _undo() -> None:
    replaced = {id(p.replacement): (p.replacement, p.original) for p in _patches}
    for p in reversed(_patches):
        if p.inherited and vars(p.owner).get(p.attr) is p.replacement:
            delattr(p.owner, p.attr)
        elif getattr(p.owner, p.attr, None) is p.replacement:
            setattr(p.owner, p.attr, p.original)
        else:
            log.warning("ftaccel: %s.%s was changed by someone else since install; left as is",
                        p.module, p.attr)
    # modules imported after install took the replacement from the patched source module
    for _name, mod in _freqtrade_modules():
        for attr, value in list(vars(mod).items()):
            hit = replaced.get(id(value))
            if hit is not None and value is hit[0]:
                setattr(mod, attr, hit[1])
    _patches.clear()


def uninstall() -> None:
    """Put back every attribute :func:`install` replaced (a no-op when not installed)."""
    global _settings, _report
    with _lock:
        if _settings is None and not _patches:
            return
        _undo()
        _backend.set_strict(None)
        _settings, _report = None, {}
        _config._set_current(_config.Settings())
        log.info("ftaccel: uninstalled; Freqtrade's original functions restored")


def _config_of_cli(argv: list[str]):
    """The merged config of the ``--config`` files a Freqtrade command line names (with
    Freqtrade's own defaults when it names none), or None when there is none to read."""
    from freqtrade.commands import Arguments
    from freqtrade.configuration.load_config import load_from_files

    try:
        files = Arguments(argv).get_parsed_arg().get("config")
    except SystemExit:  # --help, a bad option: Freqtrade itself will say so
        return None
    if not files or "-" in files:  # nothing to read, or stdin that Freqtrade must read
        return None
    try:
        return load_from_files(files)
    except Exception as exc:  # a missing or broken file: Freqtrade reports it properly
        log.debug("ftaccel: config not read (%s); defaults apply", exc)
        return None


def main(argv: list[str] | None = None) -> None:
    """``ftaccel-freqtrade ...``: Freqtrade's command line with :func:`install` applied
    from the ``performance_optimization`` block of the configs it is given."""
    from freqtrade.loggers import setup_logging_pre
    from freqtrade.main import main as freqtrade_main

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["hyperopt"]:  # so that install() reaches the hyperopt worker processes
        importlib.import_module(_HYPEROPT_MODULE)
    setup_logging_pre()  # so that install's log lines show; Freqtrade keeps this setup
    try:
        install(_config_of_cli(argv))
    except (ValueError, TypeError, ImportError) as exc:
        log.error("ftaccel: %s", exc)
        sys.exit(2)
    freqtrade_main(argv)
