"""Prints one real run's ``tasks/snapshot`` and ``tasks/changed`` texts, each in the full and
in the compact form, encoded by the runtime's own code (``_wire``) from the same collection.

Run: ``python tests/wire_fixture.py`` from ``runtime/``. Output: one JSON object
``{"snapshot": {"full", "compact"}, "changes": [{"full", "compact"}, ...]}``; the adapter's
decoder test (``debug-adapter/compactTasks.test.ts``) decodes every compact one and checks
that it gives the full one. Not a pytest module (no ``test_`` prefix).
"""

import asyncio
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from asyncio_lens._agent import Agent  # noqa: E402
from asyncio_lens._compact import CompactEncoder  # noqa: E402
from asyncio_lens._snapshot import Differ  # noqa: E402
from asyncio_lens._tracker import Tracker  # noqa: E402
from asyncio_lens._wire import encode_changed, encode_snapshot  # noqa: E402


async def _stubborn(ev):
    """Swallows the first cancel and waits on: a live task with a cancel record."""
    try:
        await ev.wait()
    except asyncio.CancelledError:
        await ev.wait()


async def _failing():
    raise ValueError("broken \u2713")


async def _holder(lock, ev):
    async with lock:
        await ev.wait()


async def _waiter(lock):
    async with lock:
        pass


async def _later(ev):
    await ev.wait()


async def _gathering(a, b):
    await asyncio.gather(a, b)


async def _program(agent, out):
    release = threading.Event()
    try:
        await _observe(agent, out, release)
    finally:
        release.set()  # the worker thread must end, or asyncio.run waits for it forever


async def _observe(agent, out, release):
    ev = asyncio.Event()
    queue = asyncio.Queue(maxsize=3)
    lock = asyncio.Lock()
    tasks = [
        asyncio.create_task(asyncio.sleep(60), name="sleeper"),
        asyncio.create_task(queue.get(), name="consumer \u00e9"),
        asyncio.create_task(_stubborn(ev), name="stubborn"),
        asyncio.create_task(_holder(lock, ev), name="holder"),
        asyncio.create_task(asyncio.to_thread(release.wait), name="threaded"),
    ]
    failing = asyncio.create_task(_failing(), name="failing")
    tasks.append(asyncio.create_task(_waiter(lock), name="lock-waiter"))
    tasks.append(asyncio.create_task(_gathering(tasks[0], tasks[1]), name="gathering"))
    for _ in range(5):
        await asyncio.sleep(0)
    tasks[2].cancel("first request")
    for _ in range(5):
        await asyncio.sleep(0)

    collector = agent.collector
    differ = Differ()
    encoder = CompactEncoder()
    live, finished = collector.collect(yield_gil=False)
    snap = collector.snapshot(live)
    out["snapshot"] = {
        "full": json.loads(encode_snapshot(snap).text()),
        "compact": json.loads(encode_snapshot(snap, compact=True).text()),
    }
    changes = out["changes"] = []
    tasks_, done = differ.diff(live, finished, True)
    changes.append({"full": json.loads(encode_changed(1, 0.0, True, tasks_, done)),
                    "compact": json.loads(encode_changed(1, 0.0, True, tasks_, done, encoder))})

    # Something moves: the event is set, a task with a new coroutine appears.
    tasks.append(asyncio.create_task(_later(asyncio.Event()), name="later"))
    ev.set()
    for _ in range(10):
        await asyncio.sleep(0)
    live, finished = collector.collect(yield_gil=False)
    tasks_, done = differ.diff(live, finished, False)
    changes.append({"full": json.loads(encode_changed(2, 0.0, False, tasks_, done)),
                    "compact": json.loads(encode_changed(2, 0.0, False, tasks_, done, encoder))})

    release.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, failing, return_exceptions=True)


def main():
    tr = Tracker()
    tr.install()
    tr.start_recording()
    agent = Agent(tr, blocked_threshold=0)
    agent.start()
    agent.enable_timing()
    out = {}
    try:
        asyncio.run(_program(agent, out))
    finally:
        agent.close()
        tr.close()
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
