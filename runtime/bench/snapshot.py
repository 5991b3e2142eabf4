"""Snapshot benchmark: N suspended tasks with 4-deep await chains, collected from a thread.

Run: python runtime/bench/snapshot.py [N]
Prints the time of one collection (best of 5) and the worst loop lag seen meanwhile.
"""
import asyncio
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens._snapshot import Collector, Differ  # noqa: E402
from asyncio_lens._tracker import Tracker  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


async def level(n, ev):
    if n == 0:
        await ev.wait()
    else:
        await level(n - 1, ev)


async def main(col):
    ev = asyncio.Event()
    tasks = [asyncio.create_task(level(3, ev), name="t%d" % i) for i in range(N)]
    await asyncio.sleep(0.1)
    lag = [0.0]
    stop = threading.Event()

    async def heartbeat():
        while not stop.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(0.001)
            lag[0] = max(lag[0], time.perf_counter() - t0 - 0.001)

    hb = asyncio.create_task(heartbeat())

    def measure():
        times, sizes = [], []
        differ = Differ()
        for i in range(5):
            t0 = time.perf_counter()
            live, fin = col.collect()
            times.append(time.perf_counter() - t0)
            tasks_, _ = differ.diff(live, fin, reset=(i == 0))
            if i == 0:
                collect_lag = lag[0]
                t0 = time.perf_counter()
                sizes.append(len(json.dumps(tasks_)))
                sizes.append(time.perf_counter() - t0)
        sizes.append(collect_lag)
        stop.set()
        return times, sizes

    times, sizes = await asyncio.to_thread(measure)
    await hb
    ev.set()
    await asyncio.gather(*tasks)
    return times, sizes, lag[0]


tr = Tracker()
tr.install()
tr.start_recording()
times, sizes, lag = asyncio.run(main(Collector(tr)))
print("%s N=%d collect: first %.1f ms, then best %.1f ms; loop lag during the first %.1f ms, worst %.1f ms;"
      " first delta %.1f MB of JSON in %.1f ms" % (
          sys.version.split()[0], N, times[0] * 1e3, min(times[1:]) * 1e3, sizes[2] * 1e3, lag * 1e3,
          sizes[0] / 1e6, sizes[1] * 1e3))
