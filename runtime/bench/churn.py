"""Task churn benchmark: N trivial tasks created, run and finished; ratios against plain
asyncio measured in the same run, best of R runs, printed as a table.

Run: python runtime/bench/churn.py [N] [--runs R]

Rows (each against plain asyncio with the same factory):
* ``tracker``: the task factory only (what ``python -m asyncio_lens run`` installs
  without a consumer);
* ``attached``: an adapter attached, no client reading: the factory, finished-task
  recording, lock owners, warnings and the blocked-loop watchdog;
* ``subscribed``: as ``attached`` plus step timing (turned on by ``tasks/subscribe``,
  ``tasks/snapshot`` or CLI snapshots).
Eager rows use ``asyncio.eager_task_factory`` (3.12+).
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens._agent import Agent  # noqa: E402
from asyncio_lens._tracker import Tracker  # noqa: E402

R = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
args = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--runs"]
N = int(args[0]) if args else 100_000
EAGER_OK = hasattr(asyncio, "eager_task_factory")


async def work():
    return 1


def churn(eager):
    async def main():
        loop = asyncio.get_running_loop()
        if eager:
            loop.set_task_factory(asyncio.eager_task_factory)
        for _ in range(N // 1000):
            await asyncio.gather(*[loop.create_task(work()) for _ in range(1000)])
    asyncio.run(main())


def timed(eager):
    t0 = time.perf_counter()
    churn(eager)
    return time.perf_counter() - t0


def measure(mode, eager):
    """Best-of-R ratio; plain and tracked runs interleave so noise hits both alike."""
    plain, tracked = [], []
    for _ in range(R):
        plain.append(timed(eager))
        tr = Tracker()
        tr.install()
        agent = None
        if mode != "tracker":
            tr.start_recording()
            agent = Agent(tr)
            agent.start()
            if mode == "subscribed":
                agent.enable_timing()
        try:
            tracked.append(timed(eager))
        finally:
            if agent is not None:
                agent.close()
            tr.close()
    return min(plain), min(tracked)


rows = []
for eager in ([False, True] if EAGER_OK else [False]):
    for mode in ("tracker", "attached", "subscribed"):
        p, t = measure(mode, eager)
        rows.append((mode, "eager" if eager else "normal", p, t))

print("Python %s, %d tasks, best of %d, load %s" % (
    sys.version.split()[0], N, R, " ".join("%.1f" % x for x in os.getloadavg())))
print("| what | factory | plain s | tracked s | ratio |")
print("|---|---|---|---|---|")
for mode, fac, p, t in rows:
    print("| %s | %s | %.3f | %.3f | %.2f\u00d7 |" % (mode, fac, p, t, t / p))
