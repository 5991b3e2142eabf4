"""Task churn benchmark: N trivial tasks created and finished, best of R runs.

Run: python runtime/bench/churn.py [--eager] [N]   (compare plain vs. tracked in one process)
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens._tracker import Tracker  # noqa: E402

EAGER = "--eager" in sys.argv
args = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(args[0]) if args else 100_000
R = 5


async def work():
    return 1


async def churn():
    loop = asyncio.get_running_loop()
    if EAGER:
        loop.set_task_factory(asyncio.eager_task_factory)
    for _ in range(N // 1000):
        await asyncio.gather(*[loop.create_task(work()) for _ in range(1000)])


def best():
    times = []
    for _ in range(R):
        t0 = time.perf_counter()
        asyncio.run(churn())
        times.append(time.perf_counter() - t0)
    return min(times)


plain = best()
tr = Tracker()
tr.install()
tr.start_recording()  # as when an adapter is attached
tracked = best()
tr.close()
print("%s eager=%s N=%d plain %.3fs tracked %.3fs ratio %.2fx" % (sys.version.split()[0], EAGER, N, plain, tracked, tracked / plain))
