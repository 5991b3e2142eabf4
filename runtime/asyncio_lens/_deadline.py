"""Time limits for code the debugger runs on the program's threads.

Breakpoint conditions, log messages, evaluate and ``repr`` of variables run user code,
which may never finish. A trace function cannot interrupt them: inside a sys.monitoring
or settrace callback no events fire on that thread. So a daemon thread raises
:class:`EvalTimeout` in the late thread with ``PyThreadState_SetAsyncExc`` once its
deadline passes. CPython delivers it at the next bytecode boundary (a Python loop, a
call); a blocking C call (``time.sleep``) is not interrupted, and the caller that waits
for the result has to give up on its own.

``with limit(seconds): ...`` is the only interface; limits do not nest (an inner limit on
a thread that already has one does nothing).
"""

import logging
import sys
import threading
import time

__all__ = ["EvalTimeout", "limit", "interrupt_supported", "prestart"]

_log = logging.getLogger(__name__)


class EvalTimeout(BaseException):
    """Raised into code that ran past its time limit (a BaseException: ``except Exception``
    in the evaluated code does not swallow it)."""


class _Watch:
    __slots__ = ("ident", "deadline", "fired", "active")

    def __init__(self, ident, deadline):
        self.ident = ident
        self.deadline = deadline
        self.fired = False
        self.active = True


_lock = threading.Lock()
_cond = threading.Condition(_lock)
_watches = {}  # ident -> _Watch
_thread = None
_api = None  # the C function, or False when ctypes is missing


def _set_async_exc():
    global _api
    if _api is None:
        try:
            import ctypes

            fn = ctypes.pythonapi.PyThreadState_SetAsyncExc
            fn.restype = ctypes.c_int

            def call(ident, exc, _fn=fn, _ulong=ctypes.c_ulong, _obj=ctypes.py_object):
                return _fn(_ulong(ident), _obj(exc) if exc is not None else None)

            _api = call
        except Exception:  # noqa: BLE001 - no ctypes: no interruption
            _log.info("ctypes is not available: evaluations cannot be interrupted")
            _api = False
    return _api


def interrupt_supported():
    return bool(_set_async_exc())


def _run():
    if sys.version_info < (3, 12):
        sys.settrace(None)  # threading.settrace gave us the debugger's tracer
    with _cond:
        while True:
            now = time.monotonic()
            nearest = None
            for w in list(_watches.values()):
                if w.fired or not w.active:
                    continue
                if w.deadline <= now:
                    api = _set_async_exc()
                    if api:
                        try:
                            api(w.ident, EvalTimeout)
                        except Exception:  # noqa: BLE001
                            _log.exception("cannot interrupt thread %s", w.ident)
                    w.fired = True
                elif nearest is None or w.deadline < nearest:
                    nearest = w.deadline
            _cond.wait(None if nearest is None else max(0.0, nearest - now))


def _ensure_thread():
    global _thread
    if _thread is None or not _thread.is_alive():
        _thread = threading.Thread(target=_run, name="asyncio-lens-deadline", daemon=True)
        _thread.start()


def prestart():
    """Start the deadline thread now (not from inside a trace callback, where a starting
    thread could be parked by the debugger before it signals that it started)."""
    if _set_async_exc():
        with _cond:
            _ensure_thread()


class limit:
    """Context manager: raise EvalTimeout in this thread's code after *seconds*."""

    __slots__ = ("seconds", "watch")

    def __init__(self, seconds):
        self.seconds = seconds
        self.watch = None

    def __enter__(self):
        ident = threading.get_ident()
        with _cond:
            if ident in _watches or not _set_async_exc():
                return self  # nested, or no way to interrupt
            w = _Watch(ident, time.monotonic() + self.seconds)
            _watches[ident] = w
            self.watch = w
            _ensure_thread()
            _cond.notify()
        return self

    def __exit__(self, et, ev, tb):
        w = self.watch
        if w is None:
            return False
        self.watch = None
        with _cond:
            w.active = False
            _watches.pop(w.ident, None)
        if w.fired and et is not EvalTimeout:
            # Fired, but not seen leaving the block: it is still pending (or the code
            # swallowed it). Let a pending one surface here, at a bytecode boundary,
            # rather than in the code that runs next. (Clearing it with
            # SetAsyncExc(NULL) instead leaves 3.10/3.11's eval breaker signalled.)
            try:
                for _ in range(100):
                    pass
            except EvalTimeout:
                pass
        return False
