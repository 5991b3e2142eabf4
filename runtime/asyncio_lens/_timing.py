"""Per-task steps and busy time, counted where asyncio runs a task's step.

Every step of a C ``asyncio.Task`` is a loop callback: ``TaskStepMethWrapper`` (the
first step, a cancel) or the bound builtin ``task_wakeup`` (a future it waited on is
done). Both carry the task as ``__self__``. :func:`install` replaces
``asyncio.events.Handle._run`` (which ``TimerHandle`` inherits) by a version that, for
those two callback types only, times the original ``_run`` and adds to the task's
``_lens_steps``/``_lens_busy``/``_lens_first``/``_lens_last``. Every other callback
pays one ``type()`` test. Exceptions, ``SystemExit`` and ``KeyboardInterrupt`` pass
through the original untouched.

Not counted: the eager first step (``_tracker`` times it), and loops that do not use
``asyncio.events.Handle`` (uvloop).
"""

import asyncio
import time
from asyncio import events as _events

from . import _tracker

__all__ = ["install", "uninstall", "installed"]

_orig_run = None


def _step_callback_types():
    # asyncio.Task directly, never through a task factory: no tracked task is made.
    types_ = set()
    loop = asyncio.new_event_loop()
    try:
        async def probe(fut):
            await fut

        fut = loop.create_future()
        task = asyncio.Task(probe(fut), loop=loop, name="asyncio-lens-probe")  # a name: no Task-N used up
        types_.add(type(loop._ready[-1]._callback))  # the first step
        loop.call_soon(loop.stop)
        loop.run_forever()
        fut.set_result(None)
        types_.add(type(loop._ready[-1]._callback))  # the wakeup
        loop.call_soon(loop.stop)
        loop.run_forever()
        assert task.done()
    finally:
        loop.close()
    return frozenset(types_)


def install():
    global _orig_run
    if _orig_run is not None:
        return
    try:
        cb_types = _step_callback_types()
    except Exception:  # noqa: BLE001 - an odd asyncio: no step figures
        return
    orig = _events.Handle._run
    clock = time.perf_counter

    def _run(self):
        cb = self._callback
        if type(cb) not in cb_types:
            return orig(self)
        task = cb.__self__
        t0 = clock()
        try:
            orig(self)
        finally:
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

    _run.__name__ = orig.__name__
    _run.__qualname__ = orig.__qualname__
    _run.__wrapped__ = orig
    _events.Handle._run = _run
    _orig_run = orig
    _tracker._timing_on = True


def uninstall():
    global _orig_run
    if _orig_run is not None:
        _events.Handle._run = _orig_run
        _orig_run = None
        _tracker._timing_on = False


def installed():
    return _orig_run is not None
