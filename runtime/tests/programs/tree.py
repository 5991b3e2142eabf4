"""Fixture for the adapter tests: a task tree that stays put until stdin gets a line.

Lines marked ``# @name`` are where the tests expect tasks to be suspended.
"""
import asyncio
import os
import subprocess
import sys

HAS_TASKGROUP = hasattr(asyncio, "TaskGroup")


class BadRepr(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


async def worker(ev, n):
    await ev.wait()  # @worker
    if n == 2:
        raise ValueError("worker 2 failed: " + "x" * 1000)
    return n


async def sleeper():
    await asyncio.sleep(3600)  # @sleeper


async def consumer(q):
    return await q.get()  # @consumer


async def awaiter(task):
    await task  # @awaiter


async def bad():
    raise BadRepr()


async def main():
    print("token in program:", os.environ.get("ASYNCIO_LENS_TOKEN"))
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ.get('ASYNCIO_LENS_TOKEN'))"],
        capture_output=True, text=True, check=True)
    print("token in child:", child.stdout.strip())
    sys.stdout.flush()
    ev = asyncio.Event()
    q = asyncio.Queue()
    s = asyncio.create_task(sleeper(), name="sleeper")
    c = asyncio.create_task(consumer(q), name="consumer")
    a = asyncio.create_task(awaiter(s), name="awaiter")
    b = asyncio.create_task(bad(), name="bad-repr")
    loop = asyncio.get_running_loop()

    async def release():
        line = await loop.run_in_executor(None, sys.stdin.readline)  # @release
        ev.set()
        q.put_nowait(line.strip())
        s.cancel()

    r = asyncio.create_task(release(), name="release")
    try:
        if HAS_TASKGROUP:
            async with asyncio.TaskGroup() as tg:  # @main-tg
                tg.create_task(worker(ev, 1), name="worker-1")
                tg.create_task(worker(ev, 2), name="worker-2")
        else:
            w1 = asyncio.create_task(worker(ev, 1), name="worker-1")
            w2 = asyncio.create_task(worker(ev, 2), name="worker-2")
            await asyncio.gather(w1, w2)  # @main-gather
    except Exception as exc:  # an ExceptionGroup on 3.11+
        print("group failed:", type(exc).__name__)
    print("consumer got:", await c)
    await r
    for t in (a, b):
        try:
            await t
        except BaseException as exc:  # noqa: BLE001
            print(t.get_name(), "ended with", type(exc).__name__)
    print("done")


asyncio.run(main())  # @run
