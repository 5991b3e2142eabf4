"""The task class the factories make, and the record of finished tasks.

:class:`LensTask` is a ``__slots__`` subclass of the C ``asyncio.Task`` that carries the
tracker's data (``_lens_id``, ``_lens_parent``, ``_lens_group``, ``_lens_site``/
``_lens_lasti``, the step figures, ...) and sees every cancel request. While a consumer
is attached (:func:`set_record`), a task's final state is kept as plain data in a
bounded deque by :func:`record_end`: called by the step hook of ``_timing`` right after
the step that finished the task, by the eager factory, or by
:class:`RecordingLensTask`'s ``__del__`` on loops whose steps are not hooked (uvloop).
Also here: reading a task's figures (:func:`timing`) and final state, and the clock.
"""

import asyncio
import sys
import time

from . import _cancel as _cancel_mod
from ._sites import site_of

__all__ = [
    "LensTask",
    "RecordingLensTask",
    "FINISHED_REPORTED",
    "describe_exception",
    "epoch",
    "record_end",
    "set_ends_hooked",
    "set_record",
    "timing",
]

_Task = asyncio.Task
_task_del = _Task.__del__

#: The tracker's clock (seconds, monotonic); :func:`epoch` converts to epoch seconds.
_clock = time.perf_counter
_EPOCH_OFFSET = time.time() - time.perf_counter()


def epoch(t):
    """Epoch seconds for a time of the tracker's clock (None stays None)."""
    return None if t is None else round(t + _EPOCH_OFFSET, 6)


# 3.13.0-3.13.2: BaseEventLoop.create_task calls task.set_name(None) after a custom
# factory, which names every unnamed task 'None' (cpython#130033).
_SET_NAME_NONE_BUG = (3, 13, 0) <= sys.version_info[:3] < (3, 13, 3)

# Records of tasks nobody saw alive are kept only while fewer than this many wait.
_UNSEEN_LIMIT = 1000

#: ``_lens_seen`` value once a task was reported as finished.
FINISHED_REPORTED = 2

# Where finished tasks are recorded (record_end); None while nobody consumes them.
_deaths = None

# True while a step hook (``_timing``) calls record_end when a task finishes: tasks of
# asyncio's loops then need no finalizer.
_ends_hooked = False

# The class our factories make, [for asyncio's loops, for loops without hooked steps];
# kept current by _update_task_classes.
_task_classes = [None, None]


def _update_task_classes():
    recording = _deaths is not None
    _task_classes[0] = RecordingLensTask if recording and not _ends_hooked else LensTask
    _task_classes[1] = RecordingLensTask if recording else LensTask


def set_ends_hooked(on):
    """Told by ``_timing`` whether its step hook records finished tasks."""
    global _ends_hooked
    _ends_hooked = bool(on)
    _update_task_classes()


def set_record(deaths, unseen_limit=None):
    """Record finished tasks into the deque *deaths* from now on (None: stop)."""
    global _deaths, _UNSEEN_LIMIT
    if unseen_limit is not None:
        _UNSEEN_LIMIT = unseen_limit
    _deaths = deaths
    _update_task_classes()


def _safe_text(fn, obj):
    try:
        return fn(obj)
    except BaseException:  # noqa: BLE001 - a user's __str__ may raise anything
        try:
            return "<%s() of %s failed>" % (fn.__name__, type(obj).__name__)
        except BaseException:  # noqa: BLE001
            return "<unprintable>"


def describe_exception(exc, limit=500):
    """``"TypeName: message"`` for *exc*, never raising, at most about *limit* chars."""
    try:
        name = type(exc).__name__
    except BaseException:  # noqa: BLE001
        name = "Exception"
    msg = _safe_text(str, exc)
    if not isinstance(msg, str):
        msg = "<unprintable>"
    text = "%s: %s" % (name, msg) if msg else name
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


def timing(task):
    """(created, first run, steps, busy seconds, end of last step) in the tracker's clock.

    Steps and busy time are counted by ``_timing`` (per loop callback that steps the
    task); a task made outside our factory has only what could be attached to it.
    """
    try:
        steps = task._lens_steps
    except AttributeError:
        steps = 0
    created = getattr(task, "_lens_created", None)
    if not steps:
        return (created, None, 0, 0.0, None)
    return (created, task._lens_first, steps, task._lens_busy, task._lens_last)


def _final_state(task):
    """(state, exception text) of a done task, without marking its exception retrieved."""
    if task.cancelled():
        return "cancelled", None
    exc = task._exception
    if exc is not None:
        return "failed", describe_exception(exc)
    return "done", None


def _coro_name(coro):
    if coro is None:
        return ""
    try:
        name = coro.__qualname__
        if isinstance(name, str):
            return name
    except BaseException:  # noqa: BLE001
        pass
    try:
        return type(coro).__qualname__
    except BaseException:  # noqa: BLE001
        return ""


class LensTask(_Task):
    """``asyncio.Task`` that carries the tracker's data in slots."""

    __slots__ = ("_lens_id", "_lens_parent", "_lens_group", "_lens_site", "_lens_lasti", "_lens_seen", "_lens_coro",
                 "_lens_created", "_lens_steps", "_lens_busy", "_lens_first", "_lens_last", "_lens_cancel")

    # Every cancel request passes here, also a cascade from a parent task or a
    # TaskGroup/gather/timeout: the C Task looks ``cancel`` up as a method.
    def cancel(self, msg=None, _cancel=_Task.cancel):
        if self._state == "PENDING":
            try:
                _cancel_mod.record_cancel(self, msg)
            except BaseException:  # noqa: BLE001 - never fail the program's cancel()
                pass
        return _cancel(self, msg)

    if hasattr(_Task, "uncancel"):
        def uncancel(self, _uncancel=_Task.uncancel):
            n = _uncancel(self)
            try:
                _cancel_mod.record_uncancel(self)
            except BaseException:  # noqa: BLE001
                pass
            return n

    if _SET_NAME_NONE_BUG:
        def set_name(self, value, _set_name=_Task.set_name):
            # cpython#130033: create_task names every task made by a custom factory
            # 'None'. Undo that for tasks made because of our factory (not for the
            # eager factory the program chose: plain 3.13.0 shows 'None' there too).
            if value is None and self._lens_coro is None:
                return
            _set_name(self, value)


def record_end(task, finishing=True):
    """Record *task*'s final state in the finished-task record, if one is kept.

    Called when a task is done: by the step hook (``_timing``) right after the step that
    finished it, by the eager factory, or when a :class:`RecordingLensTask` is freed
    (a loop whose steps are not hooked, e.g. uvloop; or a task freed while pending).
    The raw state ('FINISHED'/'CANCELLED'/'PENDING') is mapped to a TaskState when
    drained. *finishing*: called as the task finishes (not from a finalizer), so now is
    its finish time if no step timing gave one. Never raises.
    """
    try:
        deaths = _deaths
        if deaths is None:
            return
        seen = task._lens_seen
        if seen == FINISHED_REPORTED:
            return
        state = task._state
        exc = None
        if state == "FINISHED":
            e = task._exception
            if e is not None:
                state = "failed"
                exc = describe_exception(e)
            elif not seen and len(deaths) >= _UNSEEN_LIMIT:
                # Succeeded before any collection saw it, while many such records
                # wait already: under task churn, recording every one would cost
                # more than the history can show.
                return
        tid = task._lens_id
        if tid is None:
            return
        coro = task._coro
        figures = timing(task)
        if finishing and figures[4] is None:
            figures = figures[:4] + (_clock(),)
        try:
            name = task.get_name()  # a program's Task subclass may override it
        except BaseException:  # noqa: BLE001
            name = ""
        rec = (
            tid, name, state, task._lens_parent, task._lens_group,
            getattr(task, "_lens_coro", None) if coro is None else getattr(coro, "__qualname__", ""),
            site_of(task), exc, figures, _cancel_mod.cancel_record(task),
        )
        if state != "PENDING":
            task._lens_seen = FINISHED_REPORTED  # the collector must not report it again
        deaths.append(rec)
    except BaseException:  # noqa: BLE001 - runs in finalizers and loop callbacks
        pass


class RecordingLensTask(LensTask):
    """A LensTask that records its final state when freed (while a consumer is attached
    and no step hook sees tasks finish)."""

    __slots__ = ()

    def __del__(self, _task_del=_task_del):
        # Runs once per task, on the loop's thread: keep it lean.
        if _deaths is not None:
            record_end(self, False)
        _task_del(self)


# Programs print tasks and their messages name the class ("Task exception was never
# retrieved", "<Task pending name=...>"): look like asyncio's own Task there.
for _cls in (LensTask, RecordingLensTask):
    _cls.__name__ = _cls.__qualname__ = "Task"
    _cls.__module__ = _Task.__module__
del _cls
_update_task_classes()
