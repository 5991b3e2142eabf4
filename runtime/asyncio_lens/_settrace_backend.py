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

The main thread (where asyncio usually runs) is traced only while something needs it
(breakpoints, a step, a pause or a stop, the raised/user-uncaught filters): a trace
function makes CPython 3.10/3.11 take its slow path for every instruction (about 3x) even
when it traces nothing. When tracing becomes necessary while the main thread runs, the
runtime sends it a real-time signal (Linux) whose handler installs the tracer there, also
in a busy loop or a blocking call (PEP 475 retries the call after the handler). When it is
no longer needed, the main thread's global tracer removes itself at its next call. Without
a free real-time signal (macOS), the main thread is always traced. Other threads always
are (``threading.settrace``).

While only breakpoints are set, their code objects are instrumented instead
(``_instrument``: a hook call on each breakpoint line) and the main thread runs untraced;
settrace still serves what has no hook for its breakpoints (old frames, lines that cannot
have one). A line event on a hook's line is left to the hook, which runs right after it.

A ``return`` event is a suspension when the frame stopped at ``YIELD_VALUE`` (3.11) or
just before ``YIELD_FROM`` (3.10); otherwise a return, or an unwinding when the opcode is
not a return and an exception passed through the frame.
"""

import sys
import threading

from ._codeinfo import is_runtime_file, is_value_return, is_yield_return
from ._instrument import Instrumenter

__all__ = ["SettraceBackend"]



class SettraceBackend:
    def __init__(self, engine):
        self.engine = engine
        self.needed = True  # something needs the tracer (see update)
        self._main = threading.main_thread().ident
        self._main_traced = False
        self._lazy = False  # the main thread is traced only when needed
        self.trace_all = False
        self.lines_all = False  # every traced frame wants line events (pause, step into, park)
        self.step_ids = frozenset()
        self.step_files = frozenset()
        self.resume_ids = frozenset()
        self._tls = threading.local()
        self._installed = False
        eng = engine
        fault = eng.fault
        backend = self

        tls = self._tls
        gettrace = sys.gettrace
        settrace = sys.settrace

        def on_hook(frame):
            # As inside a trace callback, this thread runs untraced while the hook works:
            # a stop's evaluations run user code, and a time limit's exception must land
            # there, not in a tracer. A tracer needed afterwards is installed on the way out.
            prev = gettrace()
            if prev is not None:
                settrace(None)
            tls.in_hook = True
            try:
                eng.line_event(frame, frame.f_lineno)
            finally:
                tls.in_hook = False
                if threading.get_ident() == backend._main:
                    prev = backend.global_trace if backend._main_traced else None
                if prev is not None:
                    settrace(prev)

        instr = self.instr = Instrumenter(eng.bps, on_hook, self._tracing_changed)
        hook_lines = instr.hook_lines

        def local(frame, event, arg):
            try:
                if event == "line":
                    line = frame.f_lineno
                    hooked = hook_lines(frame.f_code)
                    if hooked and line in hooked:
                        return local  # the hook, on this line, reports it
                    disable = eng.line_event(frame, line)
                    if disable and not backend._needed(frame.f_code):
                        return None
                elif event == "return":
                    if is_yield_return(frame):
                        eng.return_event(frame, True)
                    else:
                        if instr.holders:
                            instr.frame_done(frame)
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
        resume_check = object()  # a step waits for a frame of this code to resume
        miss = object()
        # co_filename -> None (trace nothing in that file) or {code: decision}. Replaced
        # whole by update(): a decision taken under the old state lands in a dict nobody reads.
        box = self._decisions = [{}]

        def decide(code):
            if not backend.needed and backend._lazy and threading.get_ident() == backend._main:
                backend._untrace_main()
                return None
            fn = code.co_filename
            d = box[0]
            stepped = id(code) in backend.step_ids
            if backend.trace_all:
                if is_runtime_file(fn):
                    r = None
                elif backend.lines_all or stepped or backend._bp_traced(code):
                    r = local
                else:
                    r = exc_only
            elif eng.bps.lines_for(fn) is None and fn not in backend.step_files:
                d[fn] = None
                return None
            else:
                r = local if stepped or backend._bp_traced(code) else None
            if r is local and id(code) in backend.resume_ids:
                r = resume_check
            per = d.get(fn)
            if per is None:
                per = d[fn] = {}
            elif len(per) > 5000:  # code made at run time (exec, compile): keep it bounded
                per.clear()
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
                try:
                    r = decide(code)
                except BaseException:  # noqa: BLE001 - a raising tracer would be removed
                    fault("settrace call")
                    return None
            if r is exc_only:
                frame.f_trace_lines = False
                return local
            if r is resume_check:
                try:
                    eng.resume_event(frame)
                except KeyboardInterrupt:
                    raise
                except BaseException:  # noqa: BLE001
                    fault("settrace resume")
                return local
            return r

        self.local = local
        self.global_trace = global_trace

    def _needed(self, code):
        return (self.trace_all or id(code) in self.step_ids or self._bp_traced(code))

    def _bp_traced(self, code):
        """*code* has breakpoint lines without their hook: settrace must serve them."""
        return self.engine.bps.code_has_breakpoints(code) and not self.instr.covered(code)

    def program_code(self, code):
        """The main script's code, instrumented for its breakpoints (see ``_launch``)."""
        return self.instr.module_code(code)

    def _tracing_changed(self):
        """The instrumenter's needs changed (old frames finished, or a module imported
        without hooks for its breakpoints). Takes no lock: it may run in a gc callback."""
        self.needed = self._compute_needed()
        self._decisions[0] = {}
        if self._installed and self._lazy and self.needed and not self._main_traced:
            if threading.get_ident() == self._main:
                if not getattr(self._tls, "in_hook", False):
                    sys.settrace(self.global_trace)
                self._main_traced = True
            else:
                self.engine.main_signal.kick()

    def install(self):
        """On the main thread, before the program runs."""
        self.instr.install()
        threading.settrace(self.global_trace)
        self._installed = True
        sig = self.engine.main_signal
        self._lazy = sig.ok
        if sig.ok:
            sig.add(self._on_signal)
        self.needed = self._compute_needed()
        if not self._lazy or self.needed:
            sys.settrace(self.global_trace)
            self._main_traced = True

    def _compute_needed(self):
        eng = self.engine
        return bool((eng.bps.any() and self.instr.tracing_needed()) or eng.step is not None or eng.global_lines
                    or "raised" in eng.filters or "userUncaught" in eng.filters)

    def _on_signal(self, frame):
        """Runs on the main thread: install the tracer if it is needed now."""
        try:
            if self._installed and self.needed and not self._main_traced:
                self._trace_main(frame)
        except Exception:  # noqa: BLE001
            self.engine.fault("settrace signal")

    def _trace_main(self, top):
        if not getattr(self._tls, "in_hook", False):  # else the hook installs it on its way out
            sys.settrace(self.global_trace)
        self._main_traced = True
        eng = self.engine
        step_ids = self.step_ids
        f = top
        while f is not None:
            code = f.f_code
            if not is_runtime_file(code.co_filename) and (
                    eng.global_lines or id(code) in step_ids or self._bp_traced(code)):
                self._set_trace(f)
            f = f.f_back

    def _untrace_main(self):
        sys.settrace(None)
        self._main_traced = False
        if self.needed:  # needed again meanwhile: update() saw the tracer still on
            sys.settrace(self.global_trace)
            self._main_traced = True

    def close(self):
        if not self._installed:
            return
        self._installed = False
        self.trace_all = False
        self.step_ids = frozenset()
        self.instr.close()
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
        self.instr.sync()
        step = eng.step
        self.lines_all = bool(eng.global_lines)
        self.trace_all = bool(eng.global_lines or ("raised" in eng.filters) or ("userUncaught" in eng.filters))
        codes = eng.step_codes()
        self.step_ids = frozenset(id(c) for c in codes)
        self.step_files = frozenset(c.co_filename for c in codes)
        self.resume_ids = frozenset(id(f.f_code) for f in step.resume) if step is not None else frozenset()
        self._keep = codes  # the ids stay unique while the step lives
        self._decisions[0] = {}  # decide every code object again
        self.needed = self._compute_needed()
        if self._lazy and self.needed and not self._main_traced:
            if threading.get_ident() == self._main:
                self._trace_main(sys._getframe(1))
            else:
                self.engine.main_signal.kick()
        if step is not None:
            for f in step.armed + step.watch:
                self._set_trace(f)
        if eng.global_lines or discover:
            for ident, top in sys._current_frames().items():
                if eng._thread_state(ident).hidden:
                    continue
                f = top
                while f is not None:
                    code = f.f_code
                    fn = code.co_filename
                    if not is_runtime_file(fn) and (
                            eng.global_lines or self._bp_traced(code)):
                        if f.f_trace is None or not f.f_trace_lines:
                            self._set_trace(f)
                    f = f.f_back
