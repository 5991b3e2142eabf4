"""asyncio's complaints about a task, tied to the task: the protocol's ``TaskWarning``.

asyncio reports "Task exception was never retrieved" and "Task was destroyed but it is
pending!" through ``loop.call_exception_handler(context)`` from the task's finalizer.
:func:`install` wraps ``BaseEventLoop.call_exception_handler`` to note them (and then
calls the original, so the program's output is unchanged). The watchdog and the graph
add ``blocked_loop`` and ``await_cycle`` warnings through :meth:`Warnings.add`.

Warnings are kept in a bounded deque; :meth:`Warnings.drain_new` hands the ones not yet
sent to the server thread (which sends ``task/warning`` notifications).
"""

import asyncio
import collections
import threading
import time
from asyncio import base_events as _base_events

from ._tracker import describe_exception

__all__ = ["Warnings", "KINDS"]

KINDS = ("exception_never_retrieved", "destroyed_pending", "blocked_loop", "await_cycle")

_MESSAGES = {
    "Task exception was never retrieved": "exception_never_retrieved",
    "Task was destroyed but it is pending!": "destroyed_pending",
}


class Warnings:
    def __init__(self, limit=200):
        self.all = collections.deque(maxlen=limit)
        self._new = collections.deque(maxlen=limit)
        self._lock = threading.Lock()
        self._orig = None

    def add(self, kind, task, message, name=None, tasks=None):
        w = {"kind": kind, "task": task, "message": message, "time": round(time.time(), 3)}
        if name is not None:
            w["task_name"] = name
        if tasks is not None:
            w["tasks"] = tasks
        self.all.append(w)
        self._new.append(w)
        return w

    def drain_new(self):
        out = []
        while True:
            try:
                out.append(self._new.popleft())
            except IndexError:
                return out

    def snapshot(self):
        return list(self.all)

    # -- asyncio's exception handler ----------------------------------------------------
    def install(self):
        if self._orig is not None:
            return
        orig = _base_events.BaseEventLoop.call_exception_handler
        note = self._note

        def call_exception_handler(self, context):
            try:
                note(context)
            except BaseException:  # noqa: BLE001 - runs in finalizers: never raise
                pass
            return orig(self, context)

        call_exception_handler.__name__ = orig.__name__
        call_exception_handler.__qualname__ = orig.__qualname__
        call_exception_handler.__doc__ = orig.__doc__
        call_exception_handler.__wrapped__ = orig
        _base_events.BaseEventLoop.call_exception_handler = call_exception_handler
        self._orig = orig

    def uninstall(self):
        if self._orig is not None:
            _base_events.BaseEventLoop.call_exception_handler = self._orig
            self._orig = None

    def _note(self, context):
        if not isinstance(context, dict):
            return
        kind = _MESSAGES.get(context.get("message"))
        if kind is None:
            return
        task = context.get("task") or context.get("future")
        if not isinstance(task, asyncio.Task):
            return
        from ._tracker import task_id
        tid = task_id(task)
        try:
            name = task.get_name()
        except Exception:  # noqa: BLE001
            name = None
        text = context["message"]
        exc = context.get("exception")
        if kind == "exception_never_retrieved" and exc is not None:
            text = "%s: %s" % (text, describe_exception(exc))
        self.add(kind, tid, text, name)
