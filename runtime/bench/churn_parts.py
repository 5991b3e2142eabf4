"""Where the churn overhead goes: the churn of ``churn.py`` with one piece added at a time.

Run: python runtime/bench/churn_parts.py [N] [--runs R]

Each variant is a task factory (or a hook) built up step by step towards what the
tracker does; all variants and plain asyncio are interleaved in every round, best of R.
Printed: seconds, ratio against plain, and the cost per task in microseconds.
"""
import asyncio
import itertools
import os
import sys
import time
from asyncio import events as _events

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens import _timing  # noqa: E402
from asyncio_lens._agent import Agent  # noqa: E402
from asyncio_lens._tracker import LensTask, Tracker  # noqa: E402

R = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
args = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--runs"]
N = int(args[0]) if args else 100_000
_Task = asyncio.Task
_clock = time.perf_counter
_getframe = sys._getframe
_current_task = asyncio.current_task


class Bare(_Task):
    __slots__ = ()


async def work():
    return 1


def exact_factory(loop, coro, **kw):
    return _Task(coro, loop=loop, **kw)


def bare_factory(loop, coro, **kw):
    return Bare(coro, loop=loop, **kw)


class Slotted(_Task):
    __slots__ = LensTask.__slots__


def slotted_factory(loop, coro, **kw):
    return Slotted(coro, loop=loop, **kw)


_ids = itertools.count(1)


def lens_writes(loop, coro, **kw):
    task = LensTask(coro, loop=loop)
    task._lens_id = next(_ids)
    task._lens_seen = 0
    task._lens_coro = None
    task._lens_steps = 0
    task._lens_created = _clock()
    task._lens_parent = None
    task._lens_group = None
    task._lens_site = None
    return task


def lens_parent_site(loop, coro, **kw):
    task = LensTask(coro, loop=loop)
    task._lens_id = next(_ids)
    task._lens_seen = 0
    task._lens_coro = None
    task._lens_steps = 0
    task._lens_created = _clock()
    parent = _current_task(loop)
    task._lens_parent = None if parent is None else getattr(parent, "_lens_id", None)
    f = _getframe(2)
    task._lens_site = f.f_code
    task._lens_lasti = f.f_lasti
    del f
    task._lens_group = None
    return task


def churn(factory=None, eager=False):
    async def main():
        loop = asyncio.get_running_loop()
        if factory is not None:
            loop.set_task_factory(factory)
        for _ in range(N // 1000):
            await asyncio.gather(*[loop.create_task(work()) for _ in range(1000)])
    if eager:
        raise NotImplementedError
    t0 = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - t0


def with_tracker(recording=False, agent=False, timing=False, watchdog=True):
    def run():
        tr = Tracker()
        tr.install()
        ag = None
        if recording:
            tr.start_recording()
        if agent:
            ag = Agent(tr, blocked_threshold=0.1 if watchdog else 0)
            ag.start()
        if timing:
            _timing.install()
        try:
            return churn()
        finally:
            _timing.uninstall()
            if ag is not None:
                ag.close()
            tr.close()
    return run


def with_step_hook(factory):
    def run():
        orig = _events.Handle._run

        def _run(self):
            return orig(self)
        _events.Handle._run = _run
        try:
            return churn(factory)
        finally:
            _events.Handle._run = orig
    return run


class WithDel(_Task):
    __slots__ = ()

    def __del__(self, _del=_Task.__del__):
        _del(self)


def del_factory(loop, coro, **kw):
    return WithDel(coro, loop=loop, **kw)


VARIANTS = [
    ("plain", lambda: churn()),
    ("factory -> exact asyncio.Task", lambda: churn(exact_factory)),
    ("factory -> Task subclass, no slots", lambda: churn(bare_factory)),
    ("factory -> Task subclass with LensTask's slots", lambda: churn(slotted_factory)),
    ("factory -> LensTask + 8 slot writes, id, clock", lambda: churn(lens_writes)),
    ("  + parent id, caller frame as site", lambda: churn(lens_parent_site)),
    ("subclass factory + empty Handle._run wrapper", with_step_hook(bare_factory)),
    ("subclass factory + empty Python __del__", lambda: churn(del_factory)),
    ("tracker (the real factory)", with_tracker()),
    ("tracker + recording (step hook: task ends)", with_tracker(recording=True)),
    ("  + agent without watchdog", with_tracker(recording=True, agent=True, watchdog=False)),
    ("attached: + watchdog", with_tracker(recording=True, agent=True)),
    ("subscribed: + step timing", with_tracker(recording=True, agent=True, timing=True)),
]

if "--only" in sys.argv:
    keep = sys.argv[sys.argv.index("--only") + 1].split(",")
    VARIANTS = [v for i, v in enumerate(VARIANTS) if i == 0 or str(i) in keep]

best = {name: float("inf") for name, _ in VARIANTS}
for _ in range(R):
    for name, fn in VARIANTS:
        best[name] = min(best[name], fn())

plain = best["plain"]
print("Python %s, %d tasks, best of %d, load %s" % (
    sys.version.split()[0], N, R, " ".join("%.1f" % x for x in os.getloadavg())))
print("| variant | s | ratio | \u00b5s/task over plain |")
print("|---|---|---|---|")
for name, _ in VARIANTS:
    t = best[name]
    print("| %s | %.3f | %.2f\u00d7 | %.2f |" % (name, t, t / plain, (t - plain) / N * 1e6))
