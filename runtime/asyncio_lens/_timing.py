"""The step hook: where asyncio runs a task's step, count it, time it, see the task end.

Every step of a C ``asyncio.Task`` is a loop callback: ``TaskStepMethWrapper`` (the
first step, a cancel) or the bound builtin ``task_wakeup`` (a future it waited on is
done; told from other builtin methods by its name). Both carry the task as ``__self__``, and a task finishes only inside a step (or
in an eager first step, which ``_factories`` handles). The hook replaces
``asyncio.events.Handle._run`` (which ``TimerHandle`` inherits) by a version that, for
those two callbacks only, runs the original ``_run`` and then:

* in ``"ends"`` mode (a consumer is attached: :func:`hook_ends`), calls
  ``_lenstask.record_end`` if the step finished the task. This replaces a finalizer per
  task (a Python ``__del__`` cost more than the whole hook);
* in ``"timing"`` mode (a consumer reads tasks: :func:`install`), also adds to the
  task's ``_lens_steps``/``_lens_busy``/``_lens_first``/``_lens_last``.

Every other callback pays one ``type()`` test. Exceptions, ``SystemExit`` and
``KeyboardInterrupt`` pass through the original untouched.

Not seen: loops that do not use ``asyncio.events.Handle`` (uvloop): their tasks record
their end from a finalizer instead, and have no step figures.
"""

import asyncio
import time
from asyncio import events as _events

from . import _factories, _lenstask

__all__ = ["install", "uninstall", "installed", "hook_ends"]

_orig_run = None
_mode = None  # None, "ends" or "timing"
_want_ends = False
_want_timing = False
_cb_types = None


def _step_callbacks():
    """(type, name) of the first-step and of the wakeup callback; the name is None
    where the type alone says it (C's private ``TaskStepMethWrapper``)."""
    # asyncio.Task directly, never through a task factory: no tracked task is made.
    kinds = []
    loop = asyncio.new_event_loop()
    try:
        async def probe(fut):
            await fut

        fut = loop.create_future()
        task = asyncio.Task(probe(fut), loop=loop, name="asyncio-lens-probe")  # a name: no Task-N used up
        kinds.append(loop._ready[-1]._callback)  # the first step
        loop.call_soon(loop.stop)
        loop.run_forever()
        fut.set_result(None)
        kinds.append(loop._ready[-1]._callback)  # the wakeup
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert task.done()
    finally:
        loop.close()
    out = []
    for cb in kinds:
        assert cb.__self__ is task
        # A builtin method's type (the wakeup) is shared by every builtin method, e.g.
        # a done callback ``set.discard``: the name tells them apart.
        name = getattr(cb, "__name__", None)
        out.extend((type(cb), name if isinstance(name, str) else None))
    return tuple(out)


def _make_ends_run(orig, kinds):
    record_end = _lenstask.record_end
    first_type, first_name, wakeup_type, wakeup_name = kinds

    def _run(self):
        # Locals are cleared before returning, as Handle._run clears its own: once an
        # exception's traceback holds the frames below, this frame outlives the call
        # with its locals, and would keep the handle and the task alive.
        cb = self._callback
        t = type(cb)
        if not ((t is first_type and (first_name is None or cb.__name__ == first_name))
                or (t is wakeup_type and cb.__name__ == wakeup_name)):
            cb = t = None
            try:
                return orig(self)
            finally:
                self = None
        task = cb.__self__
        cb = t = None
        try:
            orig(self)
        finally:
            self = None
            if task._state != "PENDING":
                record_end(task)
            task = None

    return _run


def _make_timing_run(orig, kinds):
    record_end = _lenstask.record_end
    clock = time.perf_counter
    first_type, first_name, wakeup_type, wakeup_name = kinds

    def _run(self):
        cb = self._callback  # locals are cleared before returning: see _make_ends_run
        t = type(cb)
        if not ((t is first_type and (first_name is None or cb.__name__ == first_name))
                or (t is wakeup_type and cb.__name__ == wakeup_name)):
            cb = t = None
            try:
                return orig(self)
            finally:
                self = None
        task = cb.__self__
        cb = t = None
        t0 = clock()
        try:
            orig(self)
        finally:
            self = None
            t1 = clock()
            try:
                n = task._lens_steps
                if n:
                    task._lens_busy += t1 - t0
                else:
                    task._lens_first = t0
                    task._lens_busy = t1 - t0
                task._lens_steps = n + 1
                task._lens_last = t1
            except (AttributeError, TypeError):
                pass  # a task made outside our factory that takes no attributes
            if task._state != "PENDING":
                record_end(task)
            task = None

    return _run


def _apply():
    """Install the hook the wanted mode needs (or none)."""
    global _orig_run, _mode, _cb_types
    mode = "timing" if _want_timing else "ends" if _want_ends else None
    if mode == _mode:
        return
    if mode is not None and _cb_types is None:
        try:
            _cb_types = _step_callbacks()
        except Exception:  # noqa: BLE001 - an odd asyncio: no hook
            return
    if _orig_run is not None:
        _events.Handle._run = _orig_run
    _factories._timing_on = False
    _lenstask.set_ends_hooked(False)
    _mode = None
    if mode is None:
        _orig_run = None
        return
    orig = _orig_run or _events.Handle._run
    run = (_make_timing_run if mode == "timing" else _make_ends_run)(orig, _cb_types)
    run.__name__ = orig.__name__
    run.__qualname__ = orig.__qualname__
    run.__wrapped__ = orig
    _events.Handle._run = run
    _orig_run = orig
    _mode = mode
    _factories._timing_on = mode == "timing"
    _lenstask.set_ends_hooked(True)


def install():
    """Count steps and busy time (and record task ends) from now on."""
    global _want_timing
    _want_timing = True
    _apply()


def uninstall():
    """Stop counting steps; task ends are still recorded while :func:`hook_ends` is on."""
    global _want_timing
    _want_timing = False
    _apply()


def hook_ends(on):
    """Record task ends from the hook (the ``Tracker`` turns this on while it records)."""
    global _want_ends
    _want_ends = bool(on)
    _apply()


def installed():
    return _mode == "timing"
