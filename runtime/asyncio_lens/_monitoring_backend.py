"""Debugger events from ``sys.monitoring`` (CPython 3.12+).

Nothing is monitored while there are no breakpoints, steps, pauses or exception filters
that need events, so a program without breakpoints runs at full speed.

* **Breakpoints:** ``PY_START``/``PY_RESUME`` run globally while breakpoints exist, only to
  discover the code objects of the breakpoints' files; every location answers ``DISABLE``
  after its first event, so discovery costs one callback per code object. A code object
  that holds a breakpoint line gets local ``LINE`` events; its other lines answer
  ``DISABLE``. Code already running when a breakpoint is set is found by walking every
  thread's stack and every task's coroutine chain.
* **Steps:** local ``LINE | PY_RETURN | PY_RESUME`` on the armed frames' code objects (the callback
  compares ``sys._getframe(1)`` with the armed frames, and answers None, not DISABLE, for
  other tasks' frames); global ``LINE`` for step into, stop on entry, pause and while
  other threads must park.
* **Exceptions:** global ``RAISE`` for "raised", ``PY_UNWIND`` for "user uncaught".

A location disabled once stays silent even after ``set_local_events`` (DISABLE persists),
so ``restart_events()`` runs whenever breakpoints change, a step starts, or a stop makes
the other threads park.
"""

import sys
import threading

__all__ = ["MonitoringBackend"]

_M = sys.monitoring
_E = _M.events
_DISABLE = _M.DISABLE
_LOCAL_BP = _E.LINE
_LOCAL_STEP = _E.LINE | _E.PY_RETURN | _E.PY_RESUME


def _free_tool():
    for tool in (_M.DEBUGGER_ID, 1, 3, 4):  # 2 is the profiler's, 5 the optimizer's
        if _M.get_tool(tool) is None:
            return tool
    return None


class MonitoringBackend:
    def __init__(self, engine):
        self.engine = engine
        self.tool = None
        self._lock = threading.RLock()
        self._bp_codes = {}  # id(code) -> code: discovered code objects holding breakpoints
        self._local = {}  # id(code) -> (code, mask) currently set

    def install(self):
        tool = _free_tool()
        if tool is None:
            raise RuntimeError("every sys.monitoring tool id is in use")
        _M.use_tool_id(tool, "asyncio-lens")
        self.tool = tool
        eng = self.engine
        bps = eng.bps
        getframe = sys._getframe
        fault = eng.fault

        def on_line(code, line):
            try:
                if not eng.active:
                    table = bps.lines_for(code.co_filename)
                    if table is None or line not in table:
                        return _DISABLE
                return _DISABLE if eng.line_event(getframe(1), line) else None
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001 - never into user code
                fault("LINE")
                return None

        def on_start(code, offset):
            # PY_START/PY_RESUME: globally, to discover breakpoints' code objects; locally,
            # on a step's code objects, to see an awaiting task's frame resume.
            try:
                if eng.step is not None and any(c is code for c in eng.step_codes()):
                    eng.resume_event(getframe(1))
                    return None
                if bps.code_has_breakpoints(code):
                    self._discovered(code)
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001
                fault("PY_START")
            return _DISABLE

        def on_return(code, offset, value):
            try:
                eng.return_event(getframe(1), False)
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001
                fault("PY_RETURN")

        def on_raise(code, offset, exc):
            try:
                eng.raise_event(getframe(1), exc)
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001
                fault("RAISE")

        def on_unwind(code, offset, exc):
            try:
                eng.unwind_event(getframe(1), exc)
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001
                fault("PY_UNWIND")

        for event, fn in ((_E.LINE, on_line), (_E.PY_START, on_start), (_E.PY_RESUME, on_start),
                          (_E.PY_RETURN, on_return), (_E.RAISE, on_raise), (_E.PY_UNWIND, on_unwind)):
            _M.register_callback(tool, event, fn)

    def close(self):
        tool, self.tool = self.tool, None
        if tool is None:
            return
        with self._lock:
            _M.set_events(tool, 0)
            for code, _mask in self._local.values():
                try:
                    _M.set_local_events(tool, code, 0)
                except Exception:  # noqa: BLE001
                    pass
            self._local = {}
            self._bp_codes = {}
        for event in (_E.LINE, _E.PY_START, _E.PY_RESUME, _E.PY_RETURN, _E.RAISE, _E.PY_UNWIND):
            _M.register_callback(tool, event, None)
        _M.free_tool_id(tool)

    def _discovered(self, code):
        with self._lock:
            if self.tool is None or id(code) in self._bp_codes:
                return
            self._bp_codes[id(code)] = code
            old = self._local.get(id(code))
            mask = (old[1] if old else 0) | _LOCAL_BP
            _M.set_local_events(self.tool, code, mask)
            self._local[id(code)] = (code, mask)

    def _running_codes(self):
        """Code objects of every frame on a thread's stack or in a suspended task's chain."""
        from . import _chains, _snapshot

        codes = {}
        for top in sys._current_frames().values():
            f = top
            while f is not None:
                codes[id(f.f_code)] = f.f_code
                f = f.f_back
        for task in _snapshot.registry(self.engine.loops()):
            try:
                for _obj, f in _chains.walk_chain(task._coro):
                    codes[id(f.f_code)] = f.f_code
            except Exception:  # noqa: BLE001
                continue
        return codes.values()

    def update(self, restart=False, discover=False):
        eng = self.engine
        with self._lock:
            tool = self.tool
            if tool is None:
                return
            bps = eng.bps
            if discover and bps.any():
                for code in self._running_codes():
                    if bps.code_has_breakpoints(code):
                        self._bp_codes[id(code)] = code
            g = 0
            if bps.any():
                g |= _E.PY_START | _E.PY_RESUME
            if eng.global_lines:
                g |= _E.LINE
            if "raised" in eng.filters:
                g |= _E.RAISE
            if "userUncaught" in eng.filters:
                g |= _E.PY_UNWIND
            wanted = {}
            for key, code in list(self._bp_codes.items()):
                if bps.code_has_breakpoints(code):
                    wanted[key] = (code, _LOCAL_BP)
                else:
                    del self._bp_codes[key]
            for code in eng.step_codes():
                old = wanted.get(id(code))
                wanted[id(code)] = (code, (old[1] if old else 0) | _LOCAL_STEP)
            for key, (code, _mask) in self._local.items():
                if key not in wanted:
                    _M.set_local_events(tool, code, 0)
            for key, (code, mask) in wanted.items():
                old = self._local.get(key)
                if old is None or old[1] != mask:
                    _M.set_local_events(tool, code, mask)
            self._local = wanted
            _M.set_events(tool, g)
            if restart:
                _M.restart_events()
