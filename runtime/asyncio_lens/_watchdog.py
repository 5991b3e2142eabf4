"""Notices an event loop that has not turned for longer than a threshold.

A daemon thread posts a heartbeat (``call_soon_threadsafe``) to every running loop the
tracker knows, every quarter of the threshold. A loop that turns runs it within
milliseconds, even when idle (the post wakes its selector). When a heartbeat is still
pending after the threshold, the loop is blocked: the watchdog reads the loop thread's
stack (``sys._current_frames()``) and the task running there (``current_task(loop)``),
and reports :data:`blocked` once. When the heartbeat finally runs, it reports
``unblocked`` with the blocked duration.

Reports are plain dicts (the protocol's ``LoopBlocked`` and ``LoopUnblocked``) passed to
the ``on_event(method, params)`` callback on the watchdog thread. Default threshold
100 ms (``ASYNCIO_LENS_BLOCKED_MS`` or ``--blocked-ms``).
"""

import sys
import threading
import time

from ._tracker import task_id

__all__ = ["Watchdog", "DEFAULT_THRESHOLD", "loop_stack"]

DEFAULT_THRESHOLD = 0.1
_STACK_LIMIT = 100


def loop_stack(thread_id, limit=_STACK_LIMIT):
    """Frames of a thread, outermost first (at most *limit*, the innermost kept)."""
    try:
        f = sys._current_frames().get(thread_id)
    except Exception:  # noqa: BLE001
        return []
    out = []
    while f is not None and len(out) < limit:
        code = f.f_code
        out.append({"name": getattr(code, "co_qualname", code.co_name), "file": code.co_filename,
                    "line": f.f_lineno or code.co_firstlineno})
        f = f.f_back
    del f
    out.reverse()
    return out


class _LoopState:
    __slots__ = ("pending_since", "answered_at", "thread", "blocked", "blocked_task", "__weakref__")

    def __init__(self):
        self.pending_since = None  # monotonic time the pending heartbeat was posted
        self.answered_at = None
        self.thread = None
        self.blocked = None  # the LoopBlocked dict while blocked
        self.blocked_task = None

    def beat(self):
        # Runs on the loop's thread: only plain stores.
        self.thread = threading.get_ident()
        self.answered_at = time.monotonic()


class Watchdog:
    def __init__(self, tracker, threshold=DEFAULT_THRESHOLD, on_event=None):
        self.tracker = tracker
        self.threshold = max(0.01, float(threshold))
        self.on_event = on_event
        self._states = {}  # id(loop) -> (weakref-free) state; pruned when loops go
        self._stop = threading.Event()
        self._thread = None
        self.reports = 0
        # A callable that is true while a debugger holds the program stopped: a loop
        # stopped at a breakpoint is not blocked.
        self.suspended = None

    @property
    def period(self):
        return min(0.25, max(0.005, self.threshold / 4))

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="asyncio-lens-watchdog", daemon=True)
            self._thread.start()

    def stop(self):
        self._stop.set()

    def current(self):
        """The LoopBlocked dict of a loop blocked now (stack sampled again), or None."""
        for state in list(self._states.values()):
            b = state.blocked
            if b is not None:
                cur = dict(b)
                if state.thread is not None:
                    cur["stack"] = loop_stack(state.thread)
                return cur
        return None

    def _run(self):
        while not self._stop.wait(self.period):
            try:
                self._check()
            except Exception:  # noqa: BLE001 - the watchdog must never take the program down
                self.tracker._fault("watchdog")

    def _check(self):
        now = time.monotonic()
        alive = set()
        for loop in self.tracker.loops():
            key = id(loop)
            alive.add(key)
            state = self._states.get(key)
            if state is None:
                state = self._states[key] = _LoopState()
            try:
                running = loop.is_running() and not loop.is_closed()
            except Exception:  # noqa: BLE001
                running = False
            if state.pending_since is not None and state.answered_at is not None \
                    and state.answered_at >= state.pending_since:
                self._answered(state)
            if not running:
                state.pending_since = None
                if state.blocked is not None:
                    self._answered(state, ended=True)
                continue
            suspended = self.suspended
            if suspended is not None and suspended():
                state.pending_since = None  # start over once the debugger resumes
                continue
            if state.pending_since is None:
                state.pending_since = time.monotonic()
                try:
                    loop.call_soon_threadsafe(state.beat)
                except Exception:  # noqa: BLE001 - closed meanwhile
                    state.pending_since = None
                continue
            if state.blocked is None and now - state.pending_since > self.threshold:
                self._blocked(loop, state, now)
        for key in list(self._states):
            if key not in alive:
                del self._states[key]

    def _blocked(self, loop, state, now):
        thread = state.thread
        if thread is None:
            thread = getattr(loop, "_thread_id", None)
        stack = loop_stack(thread) if thread is not None else []
        try:
            from asyncio import tasks as _tasks
            task = _tasks.current_task(loop)
        except Exception:  # noqa: BLE001
            task = None
        name = None
        if task is not None:
            try:
                name = task.get_name()
            except Exception:  # noqa: BLE001
                name = None
        tname = None
        for t in threading.enumerate():
            if t.ident == thread:
                tname = t.name
        since_mono = state.pending_since
        state.blocked = {
            "since": round(time.time() - (now - since_mono), 3),
            "task": None if task is None else task_id(task),
            "task_name": name,
            "thread": tname,
            "threshold_ms": round(self.threshold * 1000),
            "stack": stack,
        }
        state.blocked_task = state.blocked["task"]
        self.reports += 1
        self._emit("loop/blocked", dict(state.blocked))

    def _answered(self, state, ended=False):
        start = state.pending_since
        answered = state.answered_at
        state.pending_since = None
        b = state.blocked
        if b is None:
            return
        state.blocked = None
        if ended or answered is None or start is None:
            duration = (time.monotonic() - start) if start is not None else 0.0
        else:
            duration = answered - start
        self._emit("loop/unblocked", {
            "since": b["since"], "duration_ms": round(duration * 1000, 1), "task": b["task"],
            "task_name": b["task_name"],
        })

    def _emit(self, method, params):
        cb = self.on_event
        if cb is not None:
            try:
                cb(method, params)
            except Exception:  # noqa: BLE001
                self.tracker._fault("watchdog report")

