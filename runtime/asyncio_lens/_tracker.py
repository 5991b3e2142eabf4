"""Records every asyncio task through the event loop's task factory.

``Tracker.install()`` patches ``BaseEventLoop.__init__``, ``set_task_factory`` and
``get_task_factory`` so that every loop created afterwards uses our factory. The factory
composes with a factory the program sets itself: ``get_task_factory()`` still returns the
program's factory, and tasks it makes are tracked too (ids are attached afterwards).

Without a program factory (and with ``asyncio.eager_task_factory``) tasks are instances
of :class:`LensTask`, a ``__slots__`` subclass of the C ``asyncio.Task`` that carries:

* ``_lens_id``: a stable integer id,
* ``_lens_parent``: id of ``current_task()`` at creation (None at top level),
* ``_lens_group``: stable integer id of the owning ``TaskGroup`` or None,
* ``_lens_site``, ``_lens_lasti``: code object and ``f_lasti`` of the first frame
  outside asyncio and this package, resolved to file/line only when reported
  (:func:`site_of`, :func:`resolve_site`).

The fast path adds no done-callback (each one costs a loop Handle). While a consumer
is attached, a task's final state is recorded as plain data in a bounded deque
(:func:`record_end`) by the step hook of ``_timing`` right after the step that finished
it; on loops whose steps are not hooked (uvloop) by :class:`RecordingLensTask`'s
``__del__``. Tasks still alive are also found in asyncio's own registry. Nothing here holds a strong
reference to a task or a coroutine.
"""

import asyncio
import collections
import itertools
import logging
import os
import sys
import threading
import time
import types
import weakref
from asyncio import base_events as _base_events
from asyncio import tasks as _tasks

from . import _cancel as _cancel_mod

__all__ = [
    "LensTask",
    "RecordingLensTask",
    "Tracker",
    "task_id",
    "describe_exception",
    "is_internal_code",
    "resolve_site",
    "site_of",
    "FINISHED_REPORTED",
    "epoch",
    "timing",
    "user_factory_of",
]

_log = logging.getLogger(__name__)

_Task = asyncio.Task
_task_init = _Task.__init__
_task_del = _Task.__del__
_new = _Task.__new__
_current_task = _tasks.current_task
_getframe = sys._getframe

#: The tracker's clock (seconds, monotonic); :func:`epoch` converts to epoch seconds.
_clock = time.perf_counter
_EPOCH_OFFSET = time.time() - time.perf_counter()


def epoch(t):
    """Epoch seconds for a time of the tracker's clock (None stays None)."""
    return None if t is None else round(t + _EPOCH_OFFSET, 6)

_ASYNCIO_DIR = os.path.dirname(os.path.abspath(asyncio.__file__)) + os.sep
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

try:
    _TG_CREATE_CODE = asyncio.TaskGroup.create_task.__code__  # 3.11+
except AttributeError:  # 3.10
    _TG_CREATE_CODE = None

_EAGER_FACTORY = getattr(_tasks, "eager_task_factory", None)  # 3.12+
_CoroType = types.CoroutineType

# True while ``_timing`` counts steps: the eager factory then times the eager first step.
_timing_on = False
_CREATE_TASK_CODE = _base_events.BaseEventLoop.create_task.__code__

# 3.13.0-3.13.2: BaseEventLoop.create_task calls task.set_name(None) after a custom
# factory, which names every unnamed task 'None' (cpython#130033).
_SET_NAME_NONE_BUG = (3, 13, 0) <= sys.version_info[:3] < (3, 13, 3)

# asyncio's Future._state -> TaskState; a task freed while pending counts as cancelled.
_RAW_STATES = {"FINISHED": "done", "CANCELLED": "cancelled", "PENDING": "cancelled"}

# Records of tasks nobody saw alive are kept only while fewer than this many wait.
_UNSEEN_LIMIT = 1000

#: ``_lens_seen`` value once a task was reported as finished.
FINISHED_REPORTED = 2

_ids = itertools.count(1)
_group_ids = itertools.count(1)
_id_lock = threading.Lock()

# filename -> True if it belongs to asyncio or to this package. Keyed by the filename,
# not the code object: a str caches its hash, a code object hashes all its fields.
_internal_files = {}

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


def _classify_file(filename):
    r = filename.startswith(_ASYNCIO_DIR) or filename.startswith(_RUNTIME_DIR)
    if len(_internal_files) > 4096:
        _internal_files.clear()
    _internal_files[filename] = r
    return r


def is_internal_code(code):
    """True if *code* belongs to asyncio or to this runtime."""
    fn = code.co_filename
    r = _internal_files.get(fn)
    if r is None:
        r = _classify_file(fn)
    return r


_lines_cache = {}


def resolve_site(site):
    """``{file, line}`` for a creation site ``(code, lasti)``, or None."""
    if site is None:
        return None
    code, lasti = site
    key = (id(code), lasti)
    hit = _lines_cache.get(key)
    if hit is not None and hit[0] is code:
        return hit[1]  # shared by every task made there: never mutated
    line = None
    try:
        for start, end, ln in code.co_lines():
            if start <= lasti < end:
                line = ln
                break
    except Exception:  # noqa: BLE001
        pass
    if line is None:
        line = code.co_firstlineno
    if len(_lines_cache) > 8192:
        _lines_cache.clear()
    site = {"file": code.co_filename, "line": line}
    _lines_cache[key] = (code, site)  # the code object is kept so its id stays unique
    return site


def site_of(task):
    """The creation site ``(code, lasti)`` of *task* (see :func:`resolve_site`), or None."""
    code = getattr(task, "_lens_site", None)
    if code is None:
        return None
    return code, getattr(task, "_lens_lasti", -1)


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


def _assign_id(task):
    """Id of *task*, assigned now if it has none (tasks made outside our factory)."""
    try:
        tid = task._lens_id
        if tid is not None:
            return tid
    except AttributeError:
        pass
    with _id_lock:
        tid = getattr(task, "_lens_id", None)
        if tid is None:
            tid = next(_ids)
            try:
                task._lens_id = tid
            except (AttributeError, TypeError):
                return None
    return tid


def task_id(task):
    """Stable integer id of any task (None if the object cannot carry one)."""
    return _assign_id(task)


_group_registry = weakref.WeakKeyDictionary()


def _group_id(tg):
    gid = _group_registry.get(tg)
    if gid is None:
        gid = next(_group_ids)
        try:
            _group_registry[tg] = gid
        except TypeError:
            pass
    return gid


def _group_of_frame(f):
    try:
        return _group_id(f.f_locals["self"])
    except Exception:  # noqa: BLE001
        return None


def _creation_info(depth):
    """(group id, (code, lasti)) from the frames above the caller's caller."""
    group = None
    f = _getframe(depth + 1)
    n = 0
    while f is not None and n < 64:
        code = f.f_code
        r = _internal_files.get(code.co_filename)
        if r is None:
            r = _classify_file(code.co_filename)
        if not r:
            return group, (code, f.f_lasti)
        if code is _TG_CREATE_CODE and group is None:
            group = _group_of_frame(f)
        f = f.f_back
        n += 1
    return group, None


#: Attribute of our factory functions that holds the program's own factory (or None).
_USER_FACTORY_ATTR = "_asyncio_lens_user_factory"
_NOT_OURS = object()


def user_factory_of(factory):
    """The program's factory behind *factory* if it is one of ours, else ``_NOT_OURS``."""
    return getattr(factory, _USER_FACTORY_ATTR, _NOT_OURS)


def _make_factory(tracker, user_factory, hooked_steps=True):
    """Our factory for a loop whose program factory is *user_factory* (None: asyncio's).

    One closure per program factory, so the hot path reads it from a cell: looking it
    up in ``loop.__dict__`` made CPython 3.11/3.12 keep the loop's attributes in a real
    dict from then on, which slowed every attribute access of the loop (plain asyncio
    itself ran 10-14% slower after one ``loop.__dict__`` read).
    """
    which = 0 if hooked_steps else 1  # index into _task_classes
    if user_factory is None:
        factory = _make_plain_factory(tracker, which)
    elif user_factory is _EAGER_FACTORY:
        factory = _make_eager_factory(tracker, which)
    else:
        factory = _make_composed_factory(tracker, user_factory)
    setattr(factory, _USER_FACTORY_ATTR, user_factory)
    return factory


def _make_plain_factory(tracker, which):
    task_classes = _task_classes
    ids = _ids
    internal_files = _internal_files
    tg_create_code = _TG_CREATE_CODE
    clock = _clock
    name_bug = _SET_NAME_NONE_BUG

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        # The hot path: one call per task, everything inline (a Python call costs
        # more than most of what it would do). No done-callback, no frame locals
        # (except TaskGroup.create_task's self), no line numbers (resolved later).
        cls = task_classes[which]
        if name_bug and "name" not in kwargs:
            # 3.13.0-3.13.2 pass no name to a factory, so Task() would use up a
            # "Task-N" number that plain asyncio does not use for a named task.
            name = None
            try:
                caller = _getframe(1)
                if caller.f_code is _CREATE_TASK_CODE:
                    name = caller.f_locals.get("name")
                del caller
            except Exception:  # noqa: BLE001
                name = None
            if name is not None:
                task = cls(coro, loop=loop, name=name, **kwargs)
            else:
                task = cls(coro, loop=loop, **kwargs)
        elif kwargs:
            task = cls(coro, loop=loop, **kwargs)
        else:
            task = cls(coro, loop=loop)
        # Nothing ran in between: the first step is only scheduled.
        task._lens_id = next(ids)
        task._lens_seen = 0
        task._lens_coro = None
        task._lens_steps = 0
        task._lens_created = clock()  # _lens_cancel stays unset (readers default it)
        try:
            parent = _current_task(loop)
            if parent is None:
                task._lens_parent = None
            else:
                try:
                    task._lens_parent = parent._lens_id
                except AttributeError:
                    task._lens_parent = _assign_id(parent)
            # The creation site: first frame outside asyncio and this package. Frame 1
            # is always BaseEventLoop.create_task: skip it (each frame object the walk
            # touches costs an allocation on 3.11+).
            group = None
            f = _getframe(2)
            n = 0
            while f is not None and n < 64:
                code = f.f_code
                internal = internal_files.get(code.co_filename)
                if internal is None:
                    internal = _classify_file(code.co_filename)
                if not internal:
                    # Two slots, not a (code, lasti) tuple: one allocation less per task.
                    task._lens_site = code
                    task._lens_lasti = f.f_lasti
                    break
                if code is tg_create_code and group is None:
                    group = _group_of_frame(f)
                f = f.f_back
                n += 1
            else:
                task._lens_site = None
            del f
            task._lens_group = group
        except Exception:  # noqa: BLE001 - contain agent faults
            task._lens_parent = task._lens_group = task._lens_site = None
            tracker._fault("factory")
        return task

    return asyncio_lens_task_factory


def _track(task, loop, tracker, depth):
    """Parent, group and creation site of *task*, made *depth* frames above the caller."""
    try:
        parent = _current_task(loop)
        task._lens_parent = None if parent is None else _assign_id(parent)
        group, site = _creation_info(depth + 1)
        task._lens_group = group
        task._lens_site, task._lens_lasti = site or (None, None)
    except Exception:  # noqa: BLE001 - contain agent faults
        task._lens_parent = task._lens_group = task._lens_site = None
        tracker._fault("factory")


def _make_eager_factory(tracker, which):
    """``asyncio.eager_task_factory`` (3.12+), with our data set before the eager step."""
    task_classes = _task_classes
    ids = _ids
    clock = _clock

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        task = _new(task_classes[which])
        task._lens_id = next(ids)
        task._lens_seen = 0
        task._lens_steps = 0
        # The qualname now: a task that finishes in its eager step has no _coro after.
        task._lens_coro = coro.__qualname__ if type(coro) is _CoroType else _coro_name(coro)
        # Attributes set before __init__ are visible during the eager first step, so
        # a task created there gets the right parent.
        _track(task, loop, tracker, 2)
        t0 = task._lens_created = clock()
        try:
            _task_init(task, coro, loop=loop, eager_start=True, **kwargs)
        except BaseException:
            task._lens_id = None  # half-built: __del__ must not report it
            raise
        if _timing_on and task._lens_steps == 0:  # the eager first step ran in __init__
            t1 = clock()
            task._lens_first = t0
            task._lens_busy = t1 - t0
            task._lens_last = t1
            task._lens_steps = 1
        if _deaths is not None and task._state != "PENDING":  # finished in that step
            record_end(task)
        return task

    return asyncio_lens_task_factory


def _make_composed_factory(tracker, user_factory):
    """The program's own factory builds the task; our data is attached afterwards."""

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        try:
            parent = _current_task(loop)
            group, site = _creation_info(1)
        except Exception:  # noqa: BLE001
            parent = group = site = None
            tracker._fault("factory")
        created = _clock()
        task = user_factory(loop, coro, **kwargs)
        try:
            _assign_id(task)
            if getattr(task, "_lens_created", None) is None:
                task._lens_created = created
            task._lens_parent = None if parent is None else _assign_id(parent)
            task._lens_group = group
            task._lens_site, task._lens_lasti = site or (None, None)
            if getattr(task, "_lens_seen", None) is None:
                task._lens_seen = 0
            if getattr(task, "_lens_steps", None) is None:
                task._lens_steps = 0  # step timing counts it too
        except Exception:  # noqa: BLE001 - e.g. a Future-like object without attributes
            pass
        return task

    return asyncio_lens_task_factory


class Tracker:
    """Installs the task factory and keeps the bounded record of finished tasks."""

    def __init__(self, history_size=1000):
        self.history_size = history_size
        self._installed = False
        self._loops = weakref.WeakSet()
        self._saved = {}
        self.faults = 0
        self._plain_factory = _make_factory(self, None)

    def factory_for(self, user_factory, hooked_steps=True):
        """Our task factory for a loop whose program factory is *user_factory*.

        *hooked_steps*: the loop runs task steps through ``asyncio.events.Handle``
        (false for uvloop), so the step hook sees tasks finish."""
        if user_factory is None and hooked_steps:
            return self._plain_factory
        return _make_factory(self, user_factory, hooked_steps)

    # -- patching ------------------------------------------------------------------
    def install(self):
        if self._installed:
            return
        cls = _base_events.BaseEventLoop
        orig_init = cls.__init__
        orig_set = cls.set_task_factory
        orig_get = cls.get_task_factory
        self._saved = {"__init__": orig_init, "set_task_factory": orig_set, "get_task_factory": orig_get}
        factory_for = self.factory_for
        loops = self._loops

        # The program's factory lives on our factory function, not on the loop: see
        # _make_factory for why the loop's __dict__ is never touched.
        def __init__(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            try:
                self._task_factory = factory_for(self._task_factory)
                loops.add(self)
            except Exception:  # noqa: BLE001
                _log.exception("cannot install the task factory on %r", type(self))

        def set_task_factory(self, factory_):
            if user_factory_of(self._task_factory) is _NOT_OURS:
                return orig_set(self, factory_)
            orig_set(self, factory_)  # validates like asyncio does
            self._task_factory = factory_for(self._task_factory)

        def get_task_factory(self):
            user = user_factory_of(self._task_factory)
            if user is not _NOT_OURS:
                return user
            return orig_get(self)

        for name, fn in (("__init__", __init__), ("set_task_factory", set_task_factory),
                         ("get_task_factory", get_task_factory)):
            orig = self._saved[name]
            fn.__name__ = orig.__name__
            fn.__qualname__ = orig.__qualname__
            fn.__doc__ = orig.__doc__
            fn.__wrapped__ = orig
            setattr(cls, name, fn)
        self._installed = True

    def close(self):
        """Undo every patch; loops still alive get the program's factory back."""
        global _deaths
        if not self._installed:
            return
        self._installed = False
        _deaths = None
        _update_task_classes()
        self._hook_ends(False)
        cls = _base_events.BaseEventLoop
        for name, fn in self._saved.items():
            setattr(cls, name, fn)
        for loop in list(self._loops):
            try:
                user = user_factory_of(loop._task_factory)
                if user is not _NOT_OURS:
                    loop._task_factory = user
            except Exception:  # noqa: BLE001
                _log.exception("cannot restore the task factory")
        self._saved = {}

    # -- finished tasks --------------------------------------------------------------
    def start_recording(self):
        """Start keeping freed tasks' final states (call when a consumer attaches)."""
        global _deaths, _UNSEEN_LIMIT
        _UNSEEN_LIMIT = self.history_size
        if _deaths is None:
            _deaths = collections.deque(maxlen=max(self.history_size, 10000))
            _update_task_classes()
            self._hook_ends(True)

    @staticmethod
    def _hook_ends(on):
        from . import _timing  # it imports this module
        try:
            _timing.hook_ends(on)
        except Exception:  # noqa: BLE001 - then RecordingLensTask's finalizer records them
            _log.exception("cannot hook task steps")

    def drain_deaths(self):
        """Final states recorded since the last call, oldest first.

        Tuples (id, name, state, parent, group, coro name, site, exception text, timing,
        cancel record) where state is a TaskState (see :func:`timing` and
        ``_cancel.cancel_record``).
        """
        deaths = _deaths
        out = []
        if deaths is None:
            return out
        pop = deaths.popleft
        while True:
            try:
                rec = pop()
            except IndexError:
                return out
            state = _RAW_STATES.get(rec[2])
            if state is not None:
                rec = rec[:2] + (state,) + rec[3:]
            out.append(rec)

    def loops(self):
        return list(self._loops)

    def _fault(self, where):
        self.faults += 1
        if self.faults <= 10:
            _log.exception("agent fault in %s", where)
