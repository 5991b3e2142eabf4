"""The debugger engine: threads, stops and resumes (the requests are in ``_requests``).

Event sources are the backends (``_monitoring_backend`` on 3.12+, ``_settrace_backend``
on 3.10/3.11). They call :meth:`Engine.line_event` and friends on the program's thread,
inside their callback.

**Stopping.** A thread that stops sends ``debug/stopped`` and parks: it blocks on its own
work queue. The server's I/O thread answers ``stackTrace``, ``variables``, ``evaluate``…
by posting work to that queue and waiting, so the work runs on the stopped thread itself
(``asyncio.current_task()`` in an evaluation names the right task). While one thread is
stopped, every other Python thread parks silently at its next line (all-threads-stopped
semantics; a thread blocked in C parks when it comes back to Python). A second thread
that reaches a breakpoint meanwhile parks first and reports its own stop after the
resume.

**Resuming.** ``continue`` and ``step`` wake every parked thread; frame ids and variable
references are forgotten.

Faults of the engine are logged and contained: no exception of ours reaches user code.
"""

import asyncio
import collections
import logging
import os
import queue
import sys
import threading
from asyncio import base_events as _base_events

from . import _deadline
from ._breakpoints import BreakpointStore, evaluate_hit
from ._codeinfo import is_runtime_file, is_user_file
from ._frames import current_task_of_thread, task_label
from ._mainsignal import MainSignal
from ._requests import DEBUG_HANDLERS, RequestError, RequestsMixin
from ._stepping import entry_step
from ._tracker import describe_exception, task_id
from ._variables import EvaluateError, Handles, Variables

__all__ = ["Engine", "RequestError", "DEBUG_HANDLERS"]

_log = logging.getLogger(__name__)

_RESUME = object()
_WORK_TIMEOUT = 10.0
# Control flow, not errors: never a reason to stop on a raised/user-uncaught exception.
_IGNORED = (StopIteration, StopAsyncIteration, GeneratorExit, asyncio.CancelledError, SystemExit, KeyboardInterrupt)


class _Work:
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn):
        self.fn = fn
        self.done = threading.Event()
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting I/O thread
            self.error = exc
        finally:
            self.done.set()


class _Stop:
    __slots__ = ("reason", "text", "description", "bp_ids", "exc", "break_mode", "post_mortem", "tb")

    def __init__(self, reason, text=None, description=None, bp_ids=None, exc=None, break_mode=None,
                 post_mortem=None, tb=None):
        self.tb = tb
        self.reason = reason
        self.text = text
        self.description = description
        self.bp_ids = bp_ids
        self.exc = exc
        self.break_mode = break_mode
        self.post_mortem = post_mortem


class _Thread:
    __slots__ = ("ident", "id", "name", "hidden", "queue", "parked", "busy", "top", "stop")

    def __init__(self, ident, tid, name, hidden):
        self.ident = ident
        self.id = tid
        self.name = name
        self.hidden = hidden
        self.queue = queue.SimpleQueue()
        self.parked = False
        self.busy = False  # parked, or running debugger work outside a callback
        self.top = None
        self.stop = None


_UNKNOWN_THREAD = _Thread(0, 0, "?", True)


def _traceback_frames(tb):
    out = []
    while tb is not None:
        out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    out.reverse()
    return out


class Engine(RequestsMixin):
    def __init__(self, loops):
        self.loops = loops  # () -> list of event loops
        self._server = None
        self.lock = threading.RLock()
        self.bps = BreakpointStore()
        self.jmc = True
        self.stop_on_entry = False
        self.filters = frozenset()
        self.threads = {}
        self._next_tid = 2
        self.step = None
        self.pause = None  # None, 'all' or a thread ident
        self.stopped = False
        self.primary_id = 1
        self.parked = {}
        self.handles = Handles()
        self.vars = Variables(self.handles)
        self.backend = None
        self.active = False  # step, pause or stop in effect: the backends' slow path
        self.global_lines = False
        self._reported = collections.deque(maxlen=16)
        self._patches = []
        self.closed = False
        self.faults = 0
        self.main_ident = threading.main_thread().ident
        self.main_signal = MainSignal()
        self.threads[self.main_ident] = _Thread(self.main_ident, 1, "MainThread", False)

    # -- setup ---------------------------------------------------------------------------
    def handlers(self):
        return {method: getattr(self, name) for method, name in DEBUG_HANDLERS.items()}

    def attach(self, server):
        """Serve the debug requests on *server* (before it starts)."""
        self._server = server
        server.add_handlers(self.handlers())
        server.on_close.append(self.disconnected)

    def connected(self):
        server = self._server
        return server is not None and not server.conn.closed

    def _send(self, method, params):
        """Queue a notification. The server thread sends it after the response to the
        request being handled (a stop never overtakes the answer to its step)."""
        server = self._server
        if server is None or server.conn.closed:
            return False
        server.post(method, params)
        return True

    def start(self):
        """Install the backend and the patches; call on the main thread just before the program."""
        if sys.version_info >= (3, 12):
            from ._monitoring_backend import MonitoringBackend as backend_cls
        else:
            from ._settrace_backend import SettraceBackend as backend_cls
        _deadline.prestart()
        self.main_signal.install()
        self.main_signal.add(self._main_signalled)
        self._patch()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._after_fork_in_child)
        if self.stop_on_entry:
            self.step = entry_step(self.main_ident, self.jmc)
        self.backend = backend_cls(self)
        self.backend.install()
        self._refresh(restart=True, discover=True)

    def program_code(self, code):
        """The main script's code to run: instrumented for breakpoints where the backend does that."""
        instrument = getattr(self.backend, "program_code", None)
        return instrument(code) if instrument is not None else code

    def close(self):
        if self.closed:
            return
        self.closed = True
        self._resume_all()
        backend, self.backend = self.backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception:  # noqa: BLE001
                _log.exception("closing the debugger backend failed")
        self.main_signal.close()
        for owner, name, orig in reversed(self._patches):
            try:
                setattr(owner, name, orig)
            except Exception:  # noqa: BLE001
                _log.exception("cannot restore %s", name)
        self._patches = []

    def disconnected(self):
        """The adapter is gone: forget breakpoints and filters, let the program run."""
        with self.lock:
            self.bps.clear()
            self.filters = frozenset()
            self.step = None
            self.pause = None
        if not self._resume_all():
            self._refresh()

    def _after_fork_in_child(self):
        """The child of a fork is not debugged: it has no connection (the server detaches)."""
        try:
            self.stopped = False
            self.parked = {}
            self.close()
        except Exception:  # noqa: BLE001
            pass

    def fault(self, where):
        self.faults += 1
        if self.faults <= 20:
            _log.exception("debugger fault in %s", where)

    def _patch(self):
        engine = self
        thread_cls = threading.Thread
        orig_bootstrap = thread_cls._bootstrap_inner

        def _bootstrap_inner(self):
            engine._thread_started(self)
            try:
                orig_bootstrap(self)
            finally:
                engine._thread_exited(self)

        orig_hook = threading.excepthook

        def excepthook(args):
            try:
                if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
                    engine.uncaught_event(args.exc_value)
            except Exception:  # noqa: BLE001
                engine.fault("threading.excepthook")
            return orig_hook(args)

        loop_cls = _base_events.BaseEventLoop
        orig_handler = loop_cls.call_exception_handler

        def call_exception_handler(self, context):
            try:
                if "taskFailed" in engine.filters:
                    engine.task_failed_event(context)
            except Exception:  # noqa: BLE001
                engine.fault("call_exception_handler")
            return orig_handler(self, context)

        for owner, name, fn, orig in ((thread_cls, "_bootstrap_inner", _bootstrap_inner, orig_bootstrap),
                                      (threading, "excepthook", excepthook, orig_hook),
                                      (loop_cls, "call_exception_handler", call_exception_handler, orig_handler)):
            fn.__wrapped__ = orig
            setattr(owner, name, fn)
            self._patches.append((owner, name, orig))

    # -- threads -------------------------------------------------------------------------
    def _thread_state(self, ident=None):
        ident = threading.get_ident() if ident is None else ident
        ts = self.threads.get(ident)
        if ts is None:
            t = threading._active.get(ident)
            if t is None:
                # Not started by threading (yet): a thread in its bootstrap, or one made
                # with _thread. Its events are ignored; it is never parked.
                return _UNKNOWN_THREAD
            ts = self._register(ident, t.name)
        return ts

    def _register(self, ident, name):
        with self.lock:
            ts = self.threads.get(ident)
            if ts is None:
                hidden = name.startswith("asyncio-lens")
                ts = _Thread(ident, 0 if hidden else self._next_tid, name, hidden)
                if not hidden:
                    self._next_tid += 1
                self.threads[ident] = ts
            return ts

    def _thread_started(self, thread):
        try:
            ts = self._register(threading.get_ident(), thread.name)
            if not ts.hidden:
                self._send("debug/thread", {"reason": "started", "threadId": ts.id, "name": ts.name})
        except Exception:  # noqa: BLE001
            self.fault("thread start")

    def _thread_exited(self, thread):
        try:
            ts = self.threads.pop(threading.get_ident(), None)
            if ts is not None and not ts.hidden:
                self._send("debug/thread", {"reason": "exited", "threadId": ts.id, "name": ts.name})
        except Exception:  # noqa: BLE001
            pass

    def _by_id(self, tid):
        for ts in list(self.threads.values()):
            if ts.id == tid and not ts.hidden:
                return ts
        raise RequestError("There is no thread %s (it may have ended)." % tid)

    # -- derived state and the backend ---------------------------------------------------
    def step_codes(self):
        step = self.step
        return step.codes() if step is not None else []

    def _refresh(self, restart=False, discover=False):
        with self.lock:
            step = self.step
            self.global_lines = bool(self.stopped or self.pause is not None or (step is not None and step.anywhere))
            self.active = bool(self.stopped or self.pause is not None or step is not None)
            backend = self.backend
            if backend is not None:
                try:
                    backend.update(restart=restart, discover=discover)
                except Exception:  # noqa: BLE001
                    self.fault("backend update")

    # -- events from the backends (program threads, inside a callback) -------------------
    def line_event(self, frame, line):
        """A line is about to run. True if this location needs no more LINE events."""
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return False
        code = frame.f_code
        fn = code.co_filename
        if is_runtime_file(fn):
            return True
        table = self.bps.lines_for(fn)
        here = table.get(line) if table else None
        # Other threads park, and pause stops, only in the user's own code: a library
        # frame may hold a lock (logging, threading) that an evaluation would need.
        user = is_user_file(fn, True)
        if self.stopped:
            if not user:
                return not here
            self._park_secondary(ts, frame)
            # The breakpoints may have changed meanwhile (a one-shot stop is removed).
            table = self.bps.lines_for(fn)
            here = table.get(line) if table else None
        if here:
            stop_ids, texts = [], []
            for bp in here:
                stop, text, output = evaluate_hit(bp, frame)
                if output is not None:
                    self._send("debug/output", {"category": "console", "output": output + "\n",
                                                "file": fn, "line": line})
                if stop:
                    stop_ids.append(bp.id)
                    if text:
                        texts.append(text)
            if stop_ids:
                text = "; ".join(texts) or None
                self._stop(ts, frame, _Stop("breakpoint", text=text, description=text, bp_ids=stop_ids))
                return False
        step = self.step
        if step is not None and step.matches(frame, ts.ident, lambda: current_task_of_thread(ts.ident, self.loops())):
            self._stop(ts, frame, _Stop("entry" if step.kind == "entry" else "step"))
            return False
        pause = self.pause
        if pause is not None and user and (pause == "all" or pause == ts.ident):
            self._stop(ts, frame, _Stop("pause"))
            return False
        if here:
            return False
        if self.stopped or pause is not None:
            return not user
        if step is not None:
            if any(c is code for c in step.codes()):
                return False
            return not is_user_file(fn, self.jmc)
        return True

    def return_event(self, frame, is_yield):
        step = self.step
        if step is None or is_yield:
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        task = current_task_of_thread(ts.ident, self.loops())
        with self.lock:
            if self.step is step and step.returned(frame, task):
                _log.debug("step: %s returned; armed %s, anywhere %s", frame.f_code.co_name,
                           [(f.f_code.co_name, f.f_lineno) for f in step.armed], step.anywhere)
                self._refresh()

    def resume_event(self, frame):
        """A coroutine frame of a step's code resumes."""
        step = self.step
        if step is None or not step.resumed(frame):
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        self._stop(ts, frame, _Stop("step"))

    def raise_event(self, frame, exc, tb=None):
        if "raised" not in self.filters or isinstance(exc, _IGNORED):
            return
        if not is_user_file(frame.f_code.co_filename, self.jmc) or self._seen(exc):
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        self._stop(ts, frame, _Stop("exception", text=describe_exception(exc), exc=exc, break_mode="always",
                                    description="Exception raised", tb=tb))

    def unwind_event(self, frame, exc):
        """*frame* is left because of *exc* (user-uncaught: it leaves the user's code)."""
        if "userUncaught" not in self.filters or isinstance(exc, _IGNORED):
            return
        if not is_user_file(frame.f_code.co_filename, True):
            return
        back = frame.f_back
        if back is not None and is_user_file(back.f_code.co_filename, True):
            return
        if self._seen(exc):
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        self._stop(ts, frame, _Stop("exception", text=describe_exception(exc), exc=exc,
                                    break_mode="userUnhandled", description="Exception not handled by user code"))

    def uncaught_event(self, exc):
        """The program (main thread) or a thread ends with *exc*; the frames are its traceback."""
        if "uncaught" not in self.filters or isinstance(exc, (SystemExit, KeyboardInterrupt)) or self._seen(exc):
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        frames = _traceback_frames(exc.__traceback__)
        self._stop(ts, None, _Stop("exception", text=describe_exception(exc), exc=exc, break_mode="unhandled",
                                   description="Uncaught exception", post_mortem=frames))

    def task_failed_event(self, context):
        exc = context.get("exception")
        task = context.get("task") or context.get("future")
        # Not deduplicated against the raised/uncaught stops: this is a later moment (the
        # task is being freed with its exception unretrieved).
        if not isinstance(exc, BaseException) or not isinstance(task, asyncio.Task):
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy:
            return
        text = "%s failed and nobody retrieved its exception: %s" % (task_label(task), describe_exception(exc))
        self._stop(ts, sys._getframe(2), _Stop("exception", text=text, description=text, exc=exc,
                                               break_mode="taskFailed",
                                               post_mortem=_traceback_frames(exc.__traceback__)))

    def _seen(self, exc):
        for e in self._reported:
            if e is exc:
                return True
        return False

    def _innermost_visible(self, frame):
        f = frame
        while f is not None and not is_user_file(f.f_code.co_filename, self.jmc):
            f = f.f_back
        return f

    # -- stopping and parking ------------------------------------------------------------
    def _stop(self, ts, frame, stop):
        while True:
            with self.lock:
                if self.closed or not self.connected():
                    return
                if not self.stopped:
                    self.stopped = True
                    self.primary_id = ts.id
                    self.step = None
                    self.pause = None
                    ts.parked = True
                    ts.busy = True
                    self.parked[ts.ident] = ts
                    break
            # Another thread stopped first: wait with the others, then report ours,
            # unless it is a hit of breakpoints removed meanwhile (a one-shot stop).
            self._park_secondary(ts, frame)
            if stop.bp_ids:
                stop.bp_ids = self.bps.existing(stop.bp_ids)
                if not stop.bp_ids:
                    return
        if stop.exc is not None and stop.break_mode != "taskFailed":
            self._reported.append(stop.exc)
        task = current_task_of_thread(ts.ident, self.loops())
        self._refresh(restart=True)
        params = {"reason": stop.reason, "threadId": ts.id, "taskId": task_id(task) if task is not None else None}
        if stop.text:
            params["text"] = stop.text
        if stop.description:
            params["description"] = stop.description
        if stop.bp_ids:
            params["hitBreakpointIds"] = stop.bp_ids
        ts.top = frame
        ts.stop = stop
        if not self._send("debug/stopped", params):
            self._resume_all()
        self._park_loop(ts)

    def _park_secondary(self, ts, frame):
        with self.lock:
            if not self.stopped or self.closed:
                return
            ts.parked = True
            ts.busy = True
            ts.top = frame
            ts.stop = None
            self.parked[ts.ident] = ts
        self._park_loop(ts)

    def _park_loop(self, ts):
        try:
            while True:
                item = ts.queue.get()
                if item is _RESUME:
                    break
                item.run()
        except BaseException:  # KeyboardInterrupt while stopped: let everything go on
            self._resume_all()
            raise
        finally:
            ts.top = None
            ts.stop = None
            ts.busy = False

    def _resume_all(self, step=None):
        with self.lock:
            if not self.stopped:
                return False
            self.stopped = False
            self.step = step
            for ts in self.parked.values():
                ts.parked = False
                ts.queue.put(_RESUME)
            self.parked = {}
            self.handles.clear()
        self._refresh(restart=step is not None)
        self._send("debug/continued", {"threadId": self.primary_id, "allThreadsContinued": True})
        return True

    def _on_thread(self, ident, fn, timeout=_WORK_TIMEOUT):
        """Run *fn* on thread *ident* if it is parked (else here) and return its result."""
        with self.lock:
            ts = self.threads.get(ident) if ident is not None else None
            if ts is None or not ts.parked or ident == threading.get_ident():
                work = None
            else:
                work = _Work(fn)
                ts.queue.put(work)
        if work is None:
            return fn()
        if not work.done.wait(timeout):
            raise RequestError("The stopped thread did not answer within %g s (is an evaluation blocked in C code?)."
                               % timeout)
        if work.error is not None:
            if isinstance(work.error, EvaluateError):
                raise RequestError(str(work.error))
            raise work.error
        return work.result

    # -- pause helpers (program threads) --------------------------------------------------
    def _main_signalled(self, frame):
        """On the main thread, in a signal handler: a pause stops here at once when the
        main thread was interrupted in the user's code (e.g. blocked in ``time.sleep``);
        elsewhere (a library frame may hold a lock) the next user line stops it."""
        if self.pause is None or self.stopped or frame is None:
            return
        ts = self._thread_state()
        if ts.hidden or ts.busy or not is_user_file(frame.f_code.co_filename, True):
            return
        self._stop(ts, frame, _Stop("pause"))

    def _pause_point(self):
        """Runs on an event loop that was idle when pause was asked."""
        pause = self.pause
        if pause is None or self.stopped:
            return
        ts = self._thread_state()
        if pause == "all" or pause == ts.ident:
            self._stop(ts, sys._getframe(), _Stop("pause"))
