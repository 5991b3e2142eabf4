"""Snapshots for the terminal: ``--snapshot-at SECONDS``, ``--snapshot-on-exit``.

Times count from the moment the first event loop starts running (a daemon thread polls
the tracker's loops every 5 ms until then). Each snapshot is taken from that thread
while the program runs, rendered as ``--format tree`` (``_render``) or ``json`` (one
snapshot object per line, exactly the protocol's ``Snapshot``), and written to
``--output FILE`` (appended, UTF-8) or to the process's original stderr.
"""

import json
import sys
import threading
import time

from ._render import render_tree

__all__ = ["SnapshotWriter"]


class SnapshotWriter:
    def __init__(self, agent, times=(), on_exit=False, fmt="tree", output=None):
        self.agent = agent
        self.times = sorted(float(t) for t in times)
        self.on_exit = on_exit
        self.fmt = fmt
        self.output = output
        self.loop_started = None  # monotonic time the first loop ran
        self._stop = threading.Event()
        self._thread = None
        self._write_lock = threading.Lock()
        self.written = 0

    def start(self):
        if self.times:
            self._thread = threading.Thread(target=self._run, name="asyncio-lens-snapshots", daemon=True)
            self._thread.start()

    def _first_loop_start(self):
        tracker = self.agent.tracker
        while not self._stop.is_set():
            for loop in tracker.loops():
                try:
                    if loop.is_running():
                        return time.monotonic()
                except Exception:  # noqa: BLE001
                    continue
            self._stop.wait(0.005)
        return None

    def _run(self):
        t0 = self._first_loop_start()
        if t0 is None:
            return
        self.loop_started = t0
        for at in self.times:
            if self._stop.wait(max(0.0, t0 + at - time.monotonic())):
                return
            self.take(at)

    def take(self, elapsed=None):
        try:
            snap = self.agent.collector.snapshot()
            if self.fmt == "json":
                text = json.dumps(snap, separators=(",", ":"), ensure_ascii=False) + "\n"
            else:
                text = render_tree(snap, elapsed) + "\n"
            self._write(text)
            self.written += 1
        except Exception:  # noqa: BLE001 - never reach the program
            self.agent.tracker._fault("cli snapshot")

    def _write(self, text):
        with self._write_lock:
            if self.output:
                with open(self.output, "a", encoding="utf-8") as f:
                    f.write(text)
                return
            err = sys.__stderr__
            if err is None:
                return
            try:
                err.write(text)
            except UnicodeEncodeError:
                enc = getattr(err, "encoding", None) or "ascii"
                err.write(text.encode(enc, "backslashreplace").decode(enc, "replace"))
            err.flush()

    def finish(self):
        """At exit: stop the timer thread; write the exit snapshot if asked."""
        self._stop.set()
        if self.on_exit:
            elapsed = None if self.loop_started is None else time.monotonic() - self.loop_started
            self.take(elapsed)
