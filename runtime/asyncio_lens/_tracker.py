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
* ``_lens_site``: ``(code, lineno)`` of the first frame outside asyncio and this
  package, resolved to file/line only when reported.

The fast path adds no done-callback (each one costs a loop Handle). Completion is
noticed when the server diffs: tasks still alive are found in asyncio's own registry,
and a ``LensTask`` that is freed records its final state, as plain data, in a bounded
deque from ``__del__`` (only while a consumer is attached). Nothing here holds a strong
reference to a task or a coroutine.
"""

import asyncio
import collections
import itertools
import logging
import os
import sys
import threading
import weakref
from asyncio import base_events as _base_events
from asyncio import tasks as _tasks

__all__ = [
    "LensTask",
    "Tracker",
    "task_id",
    "describe_exception",
    "is_internal_code",
    "FINISHED_REPORTED",
]

_log = logging.getLogger(__name__)

_Task = asyncio.Task
_task_init = _Task.__init__
_task_del = _Task.__del__
_new = _Task.__new__
_current_task = _tasks.current_task
_getframe = sys._getframe

_ASYNCIO_DIR = os.path.dirname(os.path.abspath(asyncio.__file__)) + os.sep
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

try:
    _TG_CREATE_CODE = asyncio.TaskGroup.create_task.__code__  # 3.11+
except AttributeError:  # 3.10
    _TG_CREATE_CODE = None

_EAGER_FACTORY = getattr(_tasks, "eager_task_factory", None)  # 3.12+

# 3.13.0-3.13.2: BaseEventLoop.create_task calls task.set_name(None) after a custom
# factory, which names every unnamed task 'None' (cpython#130033).
_SET_NAME_NONE_BUG = (3, 13, 0) <= sys.version_info[:3] < (3, 13, 3)

#: ``_lens_seen`` value once a task was reported as finished.
FINISHED_REPORTED = 2

_ids = itertools.count(1)
_group_ids = itertools.count(1)
_id_lock = threading.Lock()

# Bounded cache: code object -> True if it belongs to asyncio or to this package.
_internal_code = {}

# Where LensTask.__del__ records finished tasks; None while nobody consumes them.
_deaths = None


def is_internal_code(code):
    """True if *code* belongs to asyncio or to this runtime."""
    r = _internal_code.get(code)
    if r is None:
        fn = code.co_filename
        r = fn.startswith(_ASYNCIO_DIR) or fn.startswith(_RUNTIME_DIR)
        if len(_internal_code) > 4096:
            _internal_code.clear()
        _internal_code[code] = r
    return r


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
        name = type(exc).__qualname__
    except BaseException:  # noqa: BLE001
        name = "Exception"
    msg = _safe_text(str, exc)
    if not isinstance(msg, str):
        msg = "<unprintable>"
    text = "%s: %s" % (name, msg) if msg else name
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text


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

    __slots__ = ("_lens_id", "_lens_parent", "_lens_group", "_lens_site", "_lens_seen", "_lens_coro")

    def __del__(self, _task_del=_task_del):
        try:
            deaths = _deaths
            if deaths is not None and self._lens_id is not None and self._lens_seen != FINISHED_REPORTED:
                if self.done():
                    state, exc = _final_state(self)
                else:  # destroyed while pending
                    state, exc = "cancelled", None
                coro = self._coro
                deaths.append((
                    self._lens_id, self.get_name(), state, self._lens_parent, self._lens_group,
                    _coro_name(coro) if coro is not None else self._lens_coro,
                    self._lens_site, exc,
                ))
        except BaseException:  # noqa: BLE001 - never let the agent fail in a finalizer
            pass
        _task_del(self)

    if _SET_NAME_NONE_BUG:
        def set_name(self, value, _set_name=_Task.set_name):
            if value is None:
                return  # cpython#130033: keep the default 'Task-N'
            _set_name(self, value)


# Programs print tasks and their messages name the class ("Task exception was never
# retrieved", "<Task pending name=...>"): look like asyncio's own Task there.
LensTask.__name__ = LensTask.__qualname__ = "Task"
LensTask.__module__ = _Task.__module__


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


def _creation_info(depth):
    """(group id, (code, lineno)) from the frames above the factory."""
    group = None
    f = _getframe(depth)
    n = 0
    while f is not None and n < 64:
        code = f.f_code
        r = _internal_code.get(code)
        if r is None:
            r = is_internal_code(code)
        if not r:
            return group, (code, f.f_lineno)
        if code is _TG_CREATE_CODE and group is None:
            try:
                group = _group_id(f.f_locals["self"])
            except Exception:  # noqa: BLE001
                pass
        f = f.f_back
        n += 1
    return group, None


def _make_factory(tracker):
    """The factory installed on every loop; composes with the program's factory."""
    eager_factory = _EAGER_FACTORY
    ids = _ids

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        user_factory = loop.__dict__.get("_asyncio_lens_user_factory")
        if user_factory is None or user_factory is eager_factory:
            task = _new(LensTask)
            task._lens_id = next(ids)
            task._lens_seen = 0
            task._lens_coro = None
            try:
                parent = _current_task(loop)
                if parent is None:
                    task._lens_parent = None
                else:
                    try:
                        task._lens_parent = parent._lens_id
                    except AttributeError:
                        task._lens_parent = _assign_id(parent)
                task._lens_group, task._lens_site = _creation_info(2)
                if user_factory is not None:
                    task._lens_coro = _coro_name(coro)
            except Exception:  # noqa: BLE001 - contain agent faults
                task._lens_parent = task._lens_group = task._lens_site = None
                tracker._fault("factory")
            try:
                if user_factory is None:
                    _task_init(task, coro, loop=loop, **kwargs)
                else:
                    _task_init(task, coro, loop=loop, eager_start=True, **kwargs)
            except BaseException:
                task._lens_id = None  # half-built: __del__ must not report it
                raise
            return task

        # The program's own factory: let it build the task, then attach our data.
        try:
            parent = _current_task(loop)
            group, site = _creation_info(2)
        except Exception:  # noqa: BLE001
            parent = group = site = None
            tracker._fault("factory")
        task = user_factory(loop, coro, **kwargs)
        try:
            _assign_id(task)
            task._lens_parent = None if parent is None else _assign_id(parent)
            task._lens_group = group
            task._lens_site = site
            if getattr(task, "_lens_seen", None) is None:
                task._lens_seen = 0
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
        self._factory = _make_factory(self)

    # -- patching ------------------------------------------------------------------
    def install(self):
        if self._installed:
            return
        cls = _base_events.BaseEventLoop
        orig_init = cls.__init__
        orig_set = cls.set_task_factory
        orig_get = cls.get_task_factory
        self._saved = {"__init__": orig_init, "set_task_factory": orig_set, "get_task_factory": orig_get}
        factory = self._factory
        loops = self._loops

        def __init__(self, *args, **kwargs):
            orig_init(self, *args, **kwargs)
            try:
                self.__dict__["_asyncio_lens_user_factory"] = self._task_factory
                self._task_factory = factory
                loops.add(self)
            except Exception:  # noqa: BLE001
                _log.exception("cannot install the task factory on %r", type(self))

        def set_task_factory(self, factory_):
            if "_asyncio_lens_user_factory" not in self.__dict__:
                return orig_set(self, factory_)
            orig_set(self, factory_)  # validates like asyncio does
            self.__dict__["_asyncio_lens_user_factory"] = self._task_factory
            self._task_factory = factory

        def get_task_factory(self):
            d = self.__dict__
            if "_asyncio_lens_user_factory" in d:
                return d["_asyncio_lens_user_factory"]
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
        cls = _base_events.BaseEventLoop
        for name, fn in self._saved.items():
            setattr(cls, name, fn)
        for loop in list(self._loops):
            try:
                d = loop.__dict__
                if "_asyncio_lens_user_factory" in d:
                    loop._task_factory = d.pop("_asyncio_lens_user_factory")
            except Exception:  # noqa: BLE001
                _log.exception("cannot restore the task factory")
        self._saved = {}

    # -- finished tasks --------------------------------------------------------------
    def start_recording(self):
        """Start keeping freed tasks' final states (call when a consumer attaches)."""
        global _deaths
        if _deaths is None:
            _deaths = collections.deque(maxlen=max(self.history_size, 10000))

    def drain_deaths(self):
        """Final states recorded since the last call, as raw tuples, oldest first."""
        deaths = _deaths
        out = []
        if deaths is None:
            return out
        pop = deaths.popleft
        while True:
            try:
                out.append(pop())
            except IndexError:
                return out

    def loops(self):
        return list(self._loops)

    def _fault(self, where):
        self.faults += 1
        if self.faults <= 10:
            _log.exception("agent fault in %s", where)
