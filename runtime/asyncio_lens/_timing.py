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
import threading
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


# Both hooks: a step callback (the first step or a wakeup) tells its task by __self__.
# Other callbacks pay one type() and two identity tests (a wakeup's type is shared by
# every builtin method: its name tells them apart). When a step leaves its task done,
# the end is recorded, except the common case that ``record_end`` would drop at once
# (succeeded, never seen by a collection, while the record holds many such already):
# that test is inlined, because the call alone cost 0.1 us per task.
#
# Locals are cleared before returning, as Handle._run clears its own: once an
# exception's traceback holds the frames below, this frame outlives the call with its
# locals, and would keep the handle and the task alive.


def _make_ends_run(orig, kinds):
    record_end = _lenstask.record_end
    lt = _lenstask
    first_type, first_name, wakeup_type, wakeup_name = kinds

    def _run(self):
        t = type(self._callback)
        if t is not first_type or first_name is not None and self._callback.__name__ != first_name:
            if t is not wakeup_type or self._callback.__name__ != wakeup_name:
                try:
                    return orig(self)
                finally:
                    self = None
        task = self._callback.__self__
        try:
            orig(self)
        finally:
            self = None
            state = task._state
            if state != "PENDING":
                # record_end's own drop rule, tested here first: the call it saves is
                # measurable under churn (3.12 attached 1.29-1.30x with, 1.32-1.34x without).
                try:
                    seen = task._lens_seen
                except AttributeError:
                    seen = None  # not made by our factory: record_end decides
                if seen != 0 or state != "FINISHED" or task._exception is not None:
                    record_end(task)
                else:
                    deaths = lt._deaths
                    if deaths is not None and len(deaths) < lt._UNSEEN_LIMIT:
                        record_end(task)
            task = None

    return _run


def _make_timing_run(orig, kinds):
    record_end = _lenstask.record_end
    lt = _lenstask
    clock = time.perf_counter
    first_type, first_name, wakeup_type, wakeup_name = kinds

    def _run(self):
        t = type(self._callback)
        if t is not first_type or first_name is not None and self._callback.__name__ != first_name:
            if t is not wakeup_type or self._callback.__name__ != wakeup_name:
                try:
                    return orig(self)
                finally:
                    self = None
        task = self._callback.__self__
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
            state = task._state
            if state != "PENDING":
                try:
                    seen = task._lens_seen
                except AttributeError:
                    seen = None
                if seen != 0 or state != "FINISHED" or task._exception is not None:
                    record_end(task)
                else:
                    deaths = lt._deaths
                    if deaths is not None and len(deaths) < lt._UNSEEN_LIMIT:
                        record_end(task)
            task = None

    return _run


def _probe_in_thread():
    """:func:`_step_callbacks` on a thread of its own: the caller's thread may be running a
    loop, even a task step (attach by PID starts the agent there), and a thread has its
    own running loop and current task."""
    out = []

    def probe():
        try:
            out.append(_step_callbacks())
        except Exception:  # noqa: BLE001
            pass

    t = threading.Thread(target=probe, name="asyncio-lens-probe", daemon=True)
    t.start()
    t.join()
    return out[0] if out else None


def _apply():
    """Install the hook the wanted mode needs (or none)."""
    global _orig_run, _mode, _cb_types
    mode = "timing" if _want_timing else "ends" if _want_ends else None
    if mode == _mode:
        return
    if mode is not None and _cb_types is None:
        _cb_types = _probe_in_thread()
        if _cb_types is None:  # an odd asyncio: no hook
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
