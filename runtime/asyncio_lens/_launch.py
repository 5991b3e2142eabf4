"""Run a script or a module exactly as ``python script.py`` / ``python -m module`` would.

What plain CPython does, and what this module reproduces:

* ``__main__`` is a fresh module with the same globals as CPython's (``__file__`` is the
  script path made absolute without normalising, ``__loader__`` a SourceFileLoader,
  ``__spec__``/``__package__`` None, ``__cached__`` None before 3.15, an empty
  ``__annotations__`` before 3.14), registered in ``sys.modules``.
* ``sys.argv`` is ``[script, args...]`` and ``sys.path[0]`` the script's real directory
  (the runtime's own entry is replaced). For ``-m`` it is the current directory and runpy
  runs the module as CPython does.
* An uncaught exception is printed by ``sys.excepthook`` with the runtime's frames cut
  off, then the process exits 1. A ``SyntaxError`` prints without a traceback.
  ``SystemExit`` propagates untouched. ``KeyboardInterrupt`` prints its traceback and the
  process then dies of SIGINT, as CPython does.
* A script that cannot be opened prints ``python: can't open file '...': [Errno 2] ...``
  and gives exit code 2.
"""

import builtins
import io
import os
import sys
import types
from importlib.machinery import SourceFileLoader

__all__ = [
    "ProgramFailed", "prepare_script", "run_code", "run_module", "run_path_main", "report_exception",
    "exit_like_python",
]


_replaced_main = []

# What plain CPython puts into a script's __main__: 3.14 makes module annotations lazy
# (PEP 649: no __annotations__ dict up front); 3.15 drops __cached__.
_MAIN_HAS_ANNOTATIONS = sys.version_info < (3, 14)
_MAIN_HAS_CACHED = sys.version_info < (3, 15)

#: Called with an uncaught exception before it is reported (the debugger stops there).
uncaught_hook = None

#: Called with the main script's compiled code just before it runs; returns the code to
#: run (the debugger instruments its breakpoints' lines on 3.10/3.11).
code_hook = None


def _call_uncaught_hook(exc):
    hook = uncaught_hook
    if hook is not None and not isinstance(exc, KeyboardInterrupt):
        try:
            hook(exc)
        except Exception:  # noqa: BLE001 - never change how the program ends
            pass


class ProgramFailed(Exception):
    """The program ended with an uncaught exception (already reported)."""

    def __init__(self, exc):
        super().__init__(exc)
        self.exc = exc


def _program_name():
    argv = getattr(sys, "orig_argv", None) or [sys.executable or "python"]
    return argv[0]


def prepare_script(path):
    """(code, absolute filename) for *path*; exits 2 like CPython if it cannot be read.

    A directory or zip file with a ``__main__`` is returned as ``(None, path)``.
    A SyntaxError is raised as ProgramFailed after being reported.
    """
    filename = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    if os.path.isdir(filename) or (not filename.endswith((".py", ".pyw")) and os.path.isfile(filename)
                                   and _is_zip(filename)):
        return None, filename
    try:
        with io.open_code(filename) as f:
            source = f.read()
    except OSError as exc:
        sys.stderr.write("%s: can't open file %r: [Errno %s] %s\n"
                         % (_program_name(), filename, exc.errno, exc.strerror))
        sys.stderr.flush()
        raise SystemExit(2) from None
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        report_exception(exc, None)
        raise ProgramFailed(exc) from None
    return code, filename


def _is_zip(filename):
    try:
        import zipfile
        return zipfile.is_zipfile(filename)
    except Exception:  # noqa: BLE001
        return False


def _set_path0(entry):
    if sys.path:
        sys.path[0] = entry
    else:
        sys.path.insert(0, entry)


def run_code(code, filename, argv):
    """Run compiled script *code* as ``__main__``. Raises ProgramFailed on an exception."""
    hook = code_hook
    if hook is not None:
        try:
            code = hook(code)
        except Exception:  # noqa: BLE001 - run the program as compiled
            pass
    sys.argv[:] = argv
    _set_path0(os.path.dirname(os.path.realpath(filename)))
    main = types.ModuleType("__main__")
    g = main.__dict__
    g["__loader__"] = SourceFileLoader("__main__", filename)
    if _MAIN_HAS_ANNOTATIONS:
        g["__annotations__"] = {}
    g["__builtins__"] = builtins
    g["__file__"] = filename
    if _MAIN_HAS_CACHED:
        g["__cached__"] = None
    # Keep the runtime's own __main__ module alive: its frame is still running.
    _replaced_main.append(sys.modules.get("__main__"))
    sys.modules["__main__"] = main
    try:
        exec(code, g)
    except SystemExit:
        raise
    except BaseException as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code is not code:
            tb = tb.tb_next
        exc.__traceback__ = tb
        _call_uncaught_hook(exc)
        report_exception(exc, tb)
        raise ProgramFailed(exc) from None


def run_module(modname, argv, alter_path0=True):
    """Run *modname* like ``python -m modname`` (also a directory/zip ``__main__``)."""
    import runpy

    sys.argv[:] = argv
    if alter_path0:
        _set_path0(os.getcwd())
    try:
        runpy._run_module_as_main(modname, alter_argv=alter_path0)
    except SystemExit:
        raise
    except BaseException as exc:
        tb = exc.__traceback__
        first = runpy._run_module_as_main.__code__
        while tb is not None and tb.tb_frame.f_code is not first:
            tb = tb.tb_next
        exc.__traceback__ = tb
        _call_uncaught_hook(exc)
        report_exception(exc, tb)
        raise ProgramFailed(exc) from None


def run_path_main(path, argv):
    """A directory or zip file with ``__main__.py``, as CPython runs it."""
    sys.argv[:] = argv
    _set_path0(path)
    run_module("__main__", argv, alter_path0=False)


def report_exception(exc, tb):
    """Print *exc* as CPython prints an uncaught exception (via sys.excepthook)."""
    exc.__traceback__ = tb
    etype = type(exc)
    sys.last_type, sys.last_value, sys.last_traceback = etype, exc, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = exc
    hook = getattr(sys, "excepthook", None)
    try:
        if hook is None:
            raise RuntimeError("lost sys.excepthook")
        hook(etype, exc, tb)
    except BaseException as hook_exc:  # noqa: BLE001 - mirrors PyErr_PrintEx
        if isinstance(hook_exc, SystemExit):
            raise
        try:
            sys.stderr.write("Error in sys.excepthook:\n")
            sys.__excepthook__(type(hook_exc), hook_exc, hook_exc.__traceback__)
            sys.stderr.write("\nOriginal exception was:\n")
            sys.__excepthook__(etype, exc, tb)
        except BaseException:  # noqa: BLE001
            pass
    try:
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001
        pass


def exit_like_python(exc):
    """Leave the process as CPython does after reporting uncaught *exc*.

    KeyboardInterrupt: raise a fresh one with a silent excepthook, so that CPython's main
    marks it unhandled and the process exits by SIGINT (after atexit handlers). Anything
    else: exit status 1.
    """
    if isinstance(exc, KeyboardInterrupt):
        sys.excepthook = _silent_hook
        raise KeyboardInterrupt
    raise SystemExit(1)


def _silent_hook(*_args):
    pass
