"""Records every asyncio task through the event loop's task factory.

``Tracker.install()`` patches ``BaseEventLoop.__init__``, ``set_task_factory`` and
``get_task_factory`` so that every loop created afterwards uses our factory
(``_factories``); before 3.13.3 also ``create_task``, to hand the task's name to our
factory (``_factories.make_create_task``). The factory composes with a factory the program sets itself:
``get_task_factory()`` still returns the program's factory, and tasks it makes are
tracked too (ids are attached afterwards). The tracker also keeps the bounded record of
finished tasks while a consumer is attached (``_lenstask.record_end``).

The pieces live in their own modules, re-exported here for the rest of the runtime:
``_sites`` (task ids, TaskGroup ids, creation sites), ``_lenstask`` (the Task subclass,
the finished-task record, a task's figures), ``_factories`` (the task factories).
"""

import collections
import logging
import weakref
from asyncio import base_events as _base_events

from . import _lenstask, _timing
from ._factories import _NOT_OURS, make_create_task, make_factory as _make_factory, user_factory_of
from ._lenstask import (  # noqa: F401 - re-exported
    _EPOCH_OFFSET,
    FINISHED_REPORTED,
    LensTask,
    RecordingLensTask,
    _clock,
    _coro_name,
    _final_state,
    _safe_text,
    describe_exception,
    epoch,
    record_end,
    set_ends_hooked,
    timing,
)
from ._sites import (  # noqa: F401 - re-exported
    _RUNTIME_DIR,
    _internal_files,
    is_internal_code,
    resolve_site,
    site_of,
    task_id,
)

__all__ = [
    "LensTask",
    "RecordingLensTask",
    "Tracker",
    "task_id",
    "describe_exception",
    "is_internal_code",
    "record_end",
    "resolve_site",
    "site_of",
    "FINISHED_REPORTED",
    "epoch",
    "timing",
    "user_factory_of",
]

_log = logging.getLogger(__name__)

# asyncio's Future._state -> TaskState; a task freed while pending counts as cancelled.
_RAW_STATES = {"FINISHED": "done", "CANCELLED": "cancelled", "PENDING": "cancelled"}


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
        patches = []
        create_task = make_create_task(cls.create_task, self._plain_factory)
        if create_task is not None:  # before 3.13.3: our factory gets the task's name
            self._saved["create_task"] = cls.create_task
            patches.append(("create_task", create_task))

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

        patches += [("__init__", __init__), ("set_task_factory", set_task_factory),
                    ("get_task_factory", get_task_factory)]
        for name, fn in patches:
            orig = self._saved[name]
            fn.__name__ = orig.__name__
            fn.__qualname__ = orig.__qualname__
            fn.__doc__ = orig.__doc__
            fn.__wrapped__ = orig
            setattr(cls, name, fn)
        self._installed = True

    def close(self):
        """Undo every patch; loops still alive get the program's factory back."""
        if not self._installed:
            return
        self._installed = False
        _lenstask.set_record(None)
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
        if _lenstask._deaths is not None:
            _lenstask.set_record(_lenstask._deaths, self.history_size)
            return
        _lenstask.set_record(collections.deque(maxlen=max(self.history_size, 10000)), self.history_size)
        self._hook_ends(True)

    @staticmethod
    def _hook_ends(on):
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
        deaths = _lenstask._deaths
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

    def adopt(self, loop):
        """Track *loop*, made before :meth:`install` (attach by PID): its tasks are read from
        now on, and the tasks it makes from now on get our factory around its own."""
        if loop in self._loops:
            return
        if isinstance(loop, _base_events.BaseEventLoop) and user_factory_of(loop._task_factory) is _NOT_OURS:
            loop._task_factory = self.factory_for(loop._task_factory)
        self._loops.add(loop)

    def _fault(self, where):
        self.faults += 1
        if self.faults <= 10:
            _log.exception("agent fault in %s", where)
