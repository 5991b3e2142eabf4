"""The task factories: make each task (a :class:`~._lenstask.LensTask` where we can) and
attach its id, parent, TaskGroup, creation site and creation time.

One factory function per program factory (:func:`make_factory`): asyncio's own
(plain ``Task``), ``asyncio.eager_task_factory`` (3.12+), or any other factory the
program sets, which builds the task itself while ours attaches the data afterwards.
The program's factory lives on ours (:func:`user_factory_of`). The fast path adds no
done-callback (each one costs a loop Handle) and holds no reference to the task.
"""

import sys
import types
from asyncio import base_events as _base_events
from asyncio import tasks as _tasks

from . import _lenstask
from ._lenstask import _SET_NAME_NONE_BUG, _clock, _coro_name, _task_classes, record_end
from ._sites import _assign_id, _classify_file, _creation_info, _group_of_frame, _ids, _internal_files, _TG_CREATE_CODE

__all__ = ["make_factory", "make_create_task", "user_factory_of", "NOT_OURS"]

_Task = _tasks.Task
_task_init = _Task.__init__
_new = _Task.__new__
_current_task = _tasks.current_task
_getframe = sys._getframe

_EAGER_FACTORY = getattr(_tasks, "eager_task_factory", None)  # 3.12+
_CoroType = types.CoroutineType

# True while ``_timing`` counts steps: the eager factory then times the eager first step.
_timing_on = False
_CREATE_TASK_CODE = _base_events.BaseEventLoop.create_task.__code__
# Before 3.13.3 create_task passes no name to a factory (make_create_task).
_CREATE_TASK_NEEDS_NAME = sys.version_info[:3] < (3, 13, 3)
_LEGACY_SET_NAME = sys.version_info < (3, 13)  # tasks._set_task_name after a factory
_CREATE_TASK_DELS = sys.version_info[:3] >= (3, 13, 2)  # gh-128552

#: Attribute of our factory functions that holds the program's own factory (or None).
_USER_FACTORY_ATTR = "_asyncio_lens_user_factory"
NOT_OURS = _NOT_OURS = object()


def user_factory_of(factory):
    """The program's factory behind *factory* if it is one of ours, else ``NOT_OURS``."""
    return getattr(factory, _USER_FACTORY_ATTR, _NOT_OURS)


def make_factory(tracker, user_factory, hooked_steps=True):
    """Our factory for a loop whose program factory is *user_factory* (None: asyncio's).

    One closure per program factory, so the hot path reads it from a cell: looking it
    up in ``loop.__dict__`` made CPython 3.11/3.12 keep the loop's attributes in a real
    dict from then on, which slowed every attribute access of the loop (plain asyncio
    itself ran 10-14% slower after one ``loop.__dict__`` read). *tracker* counts faults.
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


def make_create_task(orig, plain_factory):
    """``BaseEventLoop.create_task`` for 3.10-3.13.2, else None.

    These pass no name to a task factory and name the task after it (3.10-3.12:
    ``tasks._set_task_name``; 3.13.0-3.13.2: ``task.set_name(name)``, which names an
    unnamed task 'None', cpython#130033). For a loop with our *plain_factory* the name
    goes to the factory, as 3.13.3+ and plain asyncio without a factory do: a named
    task uses up no "Task-N" number (it did on 3.10-3.12), no Python call per task
    renames it, and on 3.13.0 the factory need not read the name from the caller's
    frame (0.2 us per task). Other factories are called as *orig* calls them (inline:
    a call through *orig* cost the eager factory 0.1 us per task); no factory: *orig*.
    """
    if not _CREATE_TASK_NEEDS_NAME:
        return None
    set_task_name = _tasks._set_task_name if _LEGACY_SET_NAME else None

    if sys.version_info < (3, 11):  # no context parameter
        def create_task(self, coro, *, name=None):
            factory = self._task_factory
            if factory is None:
                return orig(self, coro, name=name)
            self._check_closed()
            if factory is plain_factory:
                if name is None:
                    return factory(self, coro)
                return factory(self, coro, name=name)
            task = factory(self, coro)
            set_task_name(task, name)
            return task

        return create_task

    def create_task(self, coro, *, name=None, context=None):
        factory = self._task_factory
        if factory is None:
            return orig(self, coro, name=name, context=context)
        self._check_closed()
        if factory is plain_factory:
            if name is None and not _SET_NAME_NONE_BUG:  # 3.13.0-2: name=None, no frame read
                if context is None:
                    return factory(self, coro)
                return factory(self, coro, context=context)
            if context is None:
                return factory(self, coro, name=name)
            return factory(self, coro, name=name, context=context)
        if context is None:
            task = factory(self, coro)
        else:
            task = factory(self, coro, context=context)
        if set_task_name is not None:
            set_task_name(task, name)
            return task
        task.set_name(name)
        if _CREATE_TASK_DELS:
            try:
                return task
            finally:
                del task  # as 3.13.2 does (gh-128552: no cycle through this frame)
        return task

    return create_task


def _asyncio_task(loop, coro, **kwargs):
    """What ``create_task`` makes without a factory: ``asyncio.tasks.Task`` as it is now."""
    return _tasks.Task(coro, loop=loop, **kwargs)


def _make_plain_factory(tracker, which):
    task_classes = _task_classes
    ids = _ids
    internal_files = _internal_files
    tg_create_code = _TG_CREATE_CODE
    clock = _clock
    name_bug = _SET_NAME_NONE_BUG
    tasks_module = _tasks
    # A program (CPython's own tests do) may put another Task class in asyncio.tasks.Task,
    # e.g. the pure-Python one, which only works with the pure-Python running-loop
    # functions: then its class makes the task, as without us, and our data is attached.
    replaced = _make_composed_factory(tracker, _asyncio_task)

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        # The hot path: one call per task, everything inline (a Python call costs
        # more than most of what it would do). No done-callback, no frame locals
        # (except TaskGroup.create_task's self), no line numbers (resolved later).
        if tasks_module.Task is not _Task:
            return replaced(loop, coro, **kwargs)
        cls = task_classes[which]
        if name_bug and "name" not in kwargs:
            # 3.13.0-3.13.2 pass no name to a factory, so Task() would use up a
            # "Task-N" number that plain asyncio does not use for a named task. Our
            # create_task (make_create_task) passes it; this is for callers of the
            # original BaseEventLoop.create_task (kept from before install).
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


def _make_eager_factory(tracker, which):
    """``asyncio.eager_task_factory`` (3.12+), with our data set before the eager step.

    Parent, group and site inline as in the plain factory (through ``_creation_info``
    and a helper, the two calls cost 0.1 us per task)."""
    task_classes = _task_classes
    ids = _ids
    clock = _clock
    lenstask = _lenstask
    internal_files = _internal_files
    tg_create_code = _TG_CREATE_CODE

    def asyncio_lens_task_factory(loop, coro, **kwargs):
        task = _new(task_classes[which])
        task._lens_id = next(ids)
        task._lens_seen = 0
        task._lens_steps = 0
        # The qualname now: a task that finishes in its eager step has no _coro after.
        task._lens_coro = coro.__qualname__ if type(coro) is _CoroType else _coro_name(coro)
        # Attributes set before __init__ are visible during the eager first step, so
        # a task created there gets the right parent.
        try:
            parent = _current_task(loop)
            if parent is None:
                task._lens_parent = None
            else:
                try:
                    task._lens_parent = parent._lens_id
                except AttributeError:
                    task._lens_parent = _assign_id(parent)
                parent = None  # not kept by this frame during the eager step
            group = None
            f = _getframe(2)  # 1 is BaseEventLoop.create_task (see the plain factory)
            n = 0
            while f is not None and n < 64:
                code = f.f_code
                internal = internal_files.get(code.co_filename)
                if internal is None:
                    internal = _classify_file(code.co_filename)
                if not internal:
                    task._lens_site = code
                    task._lens_lasti = f.f_lasti
                    break
                if code is tg_create_code and group is None:
                    group = _group_of_frame(f)
                f = f.f_back
                n += 1
            else:
                task._lens_site = None
            f = code = None
            task._lens_group = group
        except Exception:  # noqa: BLE001 - contain agent faults
            parent = f = code = None
            task._lens_parent = task._lens_group = task._lens_site = None
            tracker._fault("factory")
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
        state = task._state
        if state != "PENDING":  # finished in that step: as the step hook (_timing) does
            deaths = lenstask._deaths
            if deaths is not None and (task._lens_seen or state != "FINISHED" or task._exception is not None
                                       or len(deaths) < lenstask._UNSEEN_LIMIT):
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
