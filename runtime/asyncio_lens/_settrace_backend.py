"""Debugger events from ``sys.settrace`` (CPython 3.10 and 3.11).

The global tracer (every ``call`` event, including each resume of a coroutine) returns
the local tracer only for frames that need it: code objects holding a breakpoint line,
the code of the frames a step has armed, or every non-runtime frame while a pause, a
step into, a stop (other threads park) or the raised/user-uncaught filters need them.
Other frames get None and run untraced.

Frames already running when tracing becomes necessary (a busy loop when pause is asked,
the frames a step arms, code holding a new breakpoint) get their ``f_trace`` set
directly; that works across threads because every thread has the global tracer
installed (``threading.settrace`` for threads started later).

A ``return`` event is a suspension when the frame stopped at ``YIELD_VALUE`` (3.11) or
just before ``YIELD_FROM`` (3.10); otherwise a return, or an unwinding when the opcode is
not a return and an exception passed through the frame.
"""

import sys
import threading

from ._codeinfo import is_runtime_file, is_value_return, is_yield_return

__all__ = ["SettraceBackend"]


class SettraceBackend:
    def __init__(self, engine):
        self.engine = engine
        self.trace_all = False
        self.lines_all = False  # every traced frame wants line events (pause, step into, park)
        self.step_ids = frozenset()
        self.step_files = frozenset()
        self._tls = threading.local()
        self._installed = False
        eng = engine
        bps = eng.bps
        fault = eng.fault
        backend = self

        def local(frame, event, arg):
            try:
                if event == "line":
                    disable = eng.line_event(frame, frame.f_lineno)
                    if disable and not backend._needed(frame.f_code):
                        return None
                elif event == "return":
                    if is_yield_return(frame):
                        eng.return_event(frame, True)
                    else:
                        last = getattr(backend._tls, "exc", None)
                        if last is not None and last[0] is frame and not is_value_return(frame):
                            backend._tls.exc = None
                            eng.unwind_event(frame, last[1])
                        eng.return_event(frame, False)
                elif event == "exception":
                    exc = arg[1]
                    backend._tls.exc = (frame, exc)
                    eng.raise_event(frame, exc, arg[2])
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001 - never into user code
                fault("settrace " + event)
            return local

        exc_only = object()  # trace the frame for exceptions, not lines
        miss = object()
        # co_filename -> None (trace nothing in that file) or {code: decision}. Replaced
        # whole by update(): a decision taken under the old state lands in a dict nobody reads.
        box = self._decisions = [{}]

        def decide(code):
            fn = code.co_filename
            d = box[0]
            stepped = id(code) in backend.step_ids
            if backend.trace_all:
                if is_runtime_file(fn):
                    r = None
                elif backend.lines_all or stepped or bps.code_has_breakpoints(code):
                    r = local
                else:
                    r = exc_only
            elif bps.lines_for(fn) is None and fn not in backend.step_files:
                d[fn] = None
                return None
            else:
                r = local if stepped or bps.code_has_breakpoints(code) else None
            per = d.get(fn)
            if per is None:
                per = d[fn] = {}
            per[code] = r
            return r

        def global_trace(frame, event, arg):
            # Every call (and every resume of a coroutine) of every thread comes here: one
            # or two dict lookups decide, for most calls.
            code = frame.f_code
            per = box[0].get(code.co_filename, miss)
            if per is None:
                return None
            r = miss if per is miss else per.get(code, miss)
            if r is miss:
                r = decide(code)
            if r is exc_only:
                frame.f_trace_lines = False
                return local
            return r

        self.local = local
        self.global_trace = global_trace

    def _needed(self, code):
        return (self.trace_all or id(code) in self.step_ids or self.engine.bps.code_has_breakpoints(code))

    def install(self):
        threading.settrace(self.global_trace)
        sys.settrace(self.global_trace)
        self._installed = True

    def close(self):
        if not self._installed:
            return
        self._installed = False
        self.trace_all = False
        self.step_ids = frozenset()
        threading.settrace(None)
        if sys.gettrace() is self.global_trace:
            sys.settrace(None)
        # Other threads keep the global tracer; with nothing to trace it returns None.

    def _set_trace(self, frame):
        try:
            frame.f_trace = self.local
            frame.f_trace_lines = True
        except Exception:  # noqa: BLE001
            pass

    def update(self, restart=False, discover=False):
        if not self._installed:
            return
        eng = self.engine
        step = eng.step
        self.lines_all = bool(eng.global_lines)
        self.trace_all = bool(eng.global_lines or ("raised" in eng.filters) or ("userUncaught" in eng.filters))
        codes = eng.step_codes()
        self.step_ids = frozenset(id(c) for c in codes)
        self.step_files = frozenset(c.co_filename for c in codes)
        self._keep = codes  # the ids stay unique while the step lives
        self._decisions[0] = {}  # decide every code object again
        if step is not None:
            for f in step.armed + step.watch:
                self._set_trace(f)
        if eng.global_lines or discover:
            bps = eng.bps
            for ident, top in sys._current_frames().items():
                if eng._thread_state(ident).hidden:
                    continue
                f = top
                while f is not None:
                    code = f.f_code
                    fn = code.co_filename
                    if not is_runtime_file(fn) and (
                            eng.global_lines or bps.code_has_breakpoints(code)):
                        if f.f_trace is None or not f.f_trace_lines:
                            self._set_trace(f)
                    f = f.f_back
