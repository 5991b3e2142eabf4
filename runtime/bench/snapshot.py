"""Snapshot benchmark: N suspended tasks with 4-deep await chains, collected from a thread
while a heartbeat task measures the event loop's lag.

Run: python runtime/bench/snapshot.py [N]
Prints a table: the first collection (cold caches), the best of 4 more (the cache of
tasks still on the same wait), the worst loop lag during the collections, the size of the
first ``tasks/changed`` in the compact form the adapter asks for (bytes per task) and the
time to diff and encode it as the server does (in slices, the loop let through in
between: ``_slices``), the worst loop lag during that, the time from the start of the
first collection until that ``tasks/changed`` is encoded (what a consumer waits for);
then the same delta in the full form (plain ``tasks/snapshot``, other tools), and the
cyclic GC's full collections during the run (count and longest, from ``gc.callbacks``:
one runs with the GIL held, in whichever thread allocates).
"""
import gc
import asyncio
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens._agent import Agent  # noqa: E402
from asyncio_lens._compact import CompactEncoder  # noqa: E402
from asyncio_lens._wire import encode_changed  # noqa: E402
from asyncio_lens._slices import Slicer  # noqa: E402
from asyncio_lens._snapshot import Differ  # noqa: E402
from asyncio_lens._tracker import Tracker  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


async def level(n, ev):
    if n == 0:
        await ev.wait()
    else:
        await level(n - 1, ev)


async def main(agent):
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
    await asyncio.sleep(0.05)
    lag[0] = 0.0

    def measure():
        gc.callbacks.append(_on_gc)
        try:
            return _measure()
        finally:
            gc.callbacks.remove(_on_gc)

    def _measure():
        col = agent.collector
        differ = Differ()
        times = []
        for i in range(5):
            t0 = time.perf_counter()
            slicer = Slicer(agent.tracker.loops())
            live, fin = col.collect(slicer=slicer)
            times.append(time.perf_counter() - t0)
            if i == 0:
                lag0, lag[0] = lag[0], 0.0
                t1 = time.perf_counter()
                tasks, done = differ.diff(live, fin, True, slicer)
                text = encode_changed(1, 0.0, True, tasks, done, CompactEncoder(), slicer)
                t2 = time.perf_counter()
                enc, first_total = t2 - t1, t2 - t0
                enc_lag, lag[0] = lag[0], 0.0
                t3 = time.perf_counter()
                full_text = encode_changed(1, 0.0, True, tasks, done, None, slicer)
                full_enc = time.perf_counter() - t3
                full_lag, lag[0] = lag[0], 0.0
            time.sleep(0.02)
        collect_lag = max(lag0, lag[0])
        stop.set()
        return (times, collect_lag, len(text.encode("utf-8")), enc, enc_lag, first_total,
                len(full_text.encode("utf-8")), full_enc, full_lag)

    res = await asyncio.to_thread(measure)
    await hb
    ev.set()
    await asyncio.gather(*tasks)
    return res


tr = Tracker()
tr.install()
tr.start_recording()
agent = Agent(tr, blocked_threshold=0)
agent.start()
agent.enable_timing()
full_gcs = []  # while measuring
_gc_started = [0.0]


def _on_gc(phase, info):
    if info["generation"] == 2:
        if phase == "start":
            _gc_started[0] = time.perf_counter()
        else:
            full_gcs.append(time.perf_counter() - _gc_started[0])


(times, collect_lag, size, enc, enc_lag, first_total, full_size, full_enc, full_lag) = asyncio.run(main(agent))
agent.close()
tr.close()
print("Python %s, %d suspended tasks, 5-deep chains (4 coroutines + Event.wait)" % (sys.version.split()[0], N))
print("| first collect | repeat (best of 4) | worst lag collecting | first delta (compact) | diff+encode "
      "| worst lag diff+encode | first delta ready | full form: delta | encode | worst lag | full GCs |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
print("| %.1f ms | %.1f ms | %.1f ms | %.2f MB, %d B/task | %.1f ms | %.1f ms | %.1f ms | %.2f MB, %d B/task "
      "| %.1f ms | %.1f ms | %d, longest %.1f ms |" % (
          times[0] * 1e3, min(times[1:]) * 1e3, collect_lag * 1e3, size / 1e6, size // N, enc * 1e3,
          enc_lag * 1e3, first_total * 1e3, full_size / 1e6, full_size // N, full_enc * 1e3, full_lag * 1e3,
          len(full_gcs), max(full_gcs, default=0.0) * 1e3))
