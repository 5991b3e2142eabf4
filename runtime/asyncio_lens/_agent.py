"""Wires the parts of the tracker that a consumer needs, and takes them down again.

:class:`Agent` installs, on top of an installed :class:`~._tracker.Tracker`: step
timing (``_timing``), lock owners (``_locks``), asyncio's task warnings
(``_taskwarnings``) and, when asked, the blocked-loop watchdog (``_watchdog``), and
(from :meth:`Agent.enable_timing`, once a consumer reads tasks) step timing, and
gives the :class:`~._snapshot.Collector` its ``watchdog`` and ``warnings``. Events
(``loop/blocked``, ``loop/unblocked``, ``task/warning``) go to listeners registered with
:meth:`Agent.listen` as ``fn(method, params)``, called on the agent's threads.
"""

import logging
import os

from . import _locks, _timing, _uvloop
from ._protocol import LOOP_UNBLOCKED
from ._snapshot import Collector
from ._taskwarnings import Warnings
from ._watchdog import DEFAULT_THRESHOLD, Watchdog

__all__ = ["Agent", "threshold_from_env", "current"]

_log = logging.getLogger(__name__)


def threshold_from_env(default=DEFAULT_THRESHOLD):
    """Seconds from ``ASYNCIO_LENS_BLOCKED_MS`` (0 disables the watchdog)."""
    text = os.environ.get("ASYNCIO_LENS_BLOCKED_MS")
    if not text:
        return default
    try:
        return max(0.0, float(text) / 1000.0)
    except ValueError:
        return default


_current = []  # the started agent of this process (at most one)


def current():
    """The agent started in this process, or None (attach by PID looks for one)."""
    return _current[0] if _current else None


class Agent:
    def __init__(self, tracker, collector=None, blocked_threshold=DEFAULT_THRESHOLD):
        self.tracker = tracker
        self.engine = None  # the debugger (``_engine.Engine``), when one is used
        self.collector = collector or Collector(tracker, tracker.history_size)
        self.warnings = Warnings()
        self.collector.warnings = self.warnings
        self.watchdog = None
        self._listeners = []
        self._threshold = blocked_threshold
        self._started = False

    def listen(self, fn):
        self._listeners.append(fn)

    def unlisten(self, fn):
        try:
            self._listeners.remove(fn)
        except ValueError:
            pass

    def serve(self, server):
        """Give *server*'s client the debugger's requests (if there is a debugger) and the
        agent's events, until its connection ends."""
        server.agent = self
        if self.engine is not None:
            self.engine.attach(server)
        self.listen(server.post)
        server.on_close.append(lambda: self.unlisten(server.post))

    def _emit(self, method, params):
        for fn in list(self._listeners):
            try:
                fn(method, params)
            except Exception:  # noqa: BLE001
                _log.exception("listener failed")

    def _watchdog_event(self, method, params):
        if method == LOOP_UNBLOCKED:
            where = ""
            if params.get("task_name"):
                where = " in task %r" % params["task_name"]
            self.warnings.add("blocked_loop", params.get("task"),
                              "event loop blocked for %.0f ms%s" % (params["duration_ms"], where),
                              params.get("task_name"))
        self._emit(method, params)

    def start(self, watchdog=True):
        """Install the hooks (after ``tracker.install()``) and start the watchdog (or later,
        with :meth:`start_watchdog`, when the caller itself holds a loop up meanwhile)."""
        if self._started:
            return
        self._started = True
        _current[:] = [self]
        for name, fn in (("locks", _locks.install),
                         ("warnings", self.warnings.install), ("uvloop", lambda: _uvloop.install(self.tracker))):
            try:
                fn()
            except Exception:  # noqa: BLE001
                _log.exception("cannot install %s", name)
        if watchdog:
            self.start_watchdog()

    def start_watchdog(self):
        if self.watchdog is None and self._threshold and self._threshold > 0:
            self.watchdog = Watchdog(self.tracker, self._threshold, self._watchdog_event)
            self.collector.watchdog = self.watchdog
            self.watchdog.start()

    def enable_timing(self):
        """Count steps and busy time from now on (a consumer reads them: subscribe,
        snapshot, CLI snapshots). Off until then, because it costs every task step."""
        try:
            _timing.install()
        except Exception:  # noqa: BLE001
            _log.exception("cannot install step timing")

    def thread_count(self):
        """Threads of the agent alive besides the server's (for the fork warning)."""
        wd = self.watchdog
        t = getattr(wd, "_thread", None) if wd is not None else None
        return 1 if t is not None and t.is_alive() else 0

    def drain_warnings(self):
        """``task/warning`` params not sent yet (the server calls this on its thread)."""
        return self.warnings.drain_new()

    def close(self):
        if current() is self:
            _current.clear()
        if self.watchdog is not None:
            self.watchdog.stop()
        for fn in (_timing.uninstall, _locks.uninstall, self.warnings.uninstall, _uvloop.uninstall):
            try:
                fn()
            except Exception:  # noqa: BLE001
                _log.exception("cannot uninstall")



