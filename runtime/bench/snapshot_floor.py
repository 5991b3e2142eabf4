"""How fast could any pure-Python collector read N suspended tasks the first time?

Run: python runtime/bench/snapshot_floor.py [N]

The same tasks as ``snapshot.py`` (4 coroutines + ``Event.wait`` each, plain asyncio, no
agent), read from the loop's own thread with the cyclic GC off, with nothing of a real
collector but the reads themselves, each step timed on its own:

* ``registry``: copying asyncio's task registry;
* ``first walk``: for every task, one loop over its chain reading each coroutine's
  ``__qualname__``, ``cr_frame.f_code`` and ``f_lasti`` into a list, the least a chain's
  lines can be known from; on 3.11+ this is where CPython makes the frame objects
  (``cr_frame``), once per frame;
* ``walk again``: the same, frames made: the walk's own cost;
* ``task reads``: the ten task attributes a task's info needs besides its chain;
* ``one dict``: one 18-key dict per task, the shape of a ``TaskInfo``;
* ``floor``: first walk + task reads + one dict + registry, a bound below any collector
  that reports every task, compared with the 30 ms goal.
"""
import asyncio
import gc
import sys
import time
import types
from asyncio import tasks as _tasks

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
_CoroutineType = types.CoroutineType


async def level(n, ev):
    if n == 0:
        await ev.wait()
    else:
        await level(n - 1, ev)


def walk(coro):
    key = []
    add = key.append
    obj = coro
    while type(obj) is _CoroutineType:
        f = obj.cr_frame
        add(obj.__qualname__)
        add(f.f_code)
        add(f.f_lasti)
        obj = obj.cr_await
    return key


def task_reads(t):
    return (t.get_name(), t._fut_waiter, t._loop, t._coro, t._state, t._must_cancel, t.done(),
            t._source_traceback, t._log_destroy_pending, t._callbacks)


def one_dict(t):
    return {"id": t, "name": t, "state": t, "parent": t, "group": t, "coro": t, "created_at": t, "chain": t,
            "waiting_on": t, "awaited_by": t, "cancel": t, "exception": t, "steps": t, "busy_ms": t,
            "created": t, "first_run": t, "finished": t, "shielded": t}


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(level(3, ev)) for _ in range(N)]
    await asyncio.sleep(0.1)
    gc.disable()
    try:
        sets = [s for s in (getattr(_tasks, "_scheduled_tasks", None), getattr(_tasks, "_all_tasks", None))
                if s is not None]
        out = {"registry": timed(lambda: [list(s) for s in sets])}
        out["first walk"] = timed(lambda: [walk(t._coro) for t in tasks])
        out["walk again"] = timed(lambda: [walk(t._coro) for t in tasks])
        out["task reads"] = timed(lambda: [task_reads(t) for t in tasks])
        out["one dict"] = timed(lambda: [one_dict(t) for t in tasks])
    finally:
        gc.enable()
    ev.set()
    await asyncio.gather(*tasks)
    return out


out = asyncio.run(main())
floor = out["registry"] + out["first walk"] + out["task reads"] + out["one dict"]
print("Python %s, %d suspended tasks, 5-deep chains" % (sys.version.split()[0], N))
print("| " + " | ".join(out) + " | floor |")
print("|" + "---|" * (len(out) + 1))
print("| " + " | ".join("%.1f ms" % v for v in out.values()) + " | %.1f ms |" % floor)
