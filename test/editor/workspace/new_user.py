"""Fixture for the editor tests of what a new user meets: a program with a TaskGroup, a lock, a queue,
an event under a timeout, short and long sleeps, a gather, a shield, a worker thread, a ticker, and an
await cycle between two tasks that nobody else awaits.

It ends on its own (os._exit: see the end): at once when the stop file appears, at the latest after LENS_FIXTURE_MAX_S seconds
(default 60). Stop file: $LENS_FIXTURE_STOP, else new_user.stop next to this script.
"""
import asyncio
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STOP_FILE = os.environ.get("LENS_FIXTURE_STOP") or os.path.join(HERE, "new_user.stop")
MAX_S = float(os.environ.get("LENS_FIXTURE_MAX_S", "60"))


class Stop(Exception):
    """Ends the TaskGroup (and with it the program)."""


async def stop_watcher():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_S
    while not os.path.exists(STOP_FILE) and loop.time() < deadline:
        await asyncio.sleep(0.2)
    raise Stop


async def ticker():
    ticks = 0
    while True:
        await asyncio.sleep(0.1)
        ticks += 1  # lens-test: breakpoint


async def cycle_a(tasks):
    await asyncio.sleep(1.5)  # (the cycle forms while the view already shows both tasks)
    await tasks["cycle-b"]


async def cycle_b(tasks):
    await asyncio.sleep(2)
    await tasks["cycle-a"]


async def consumer(queue):
    while True:
        await queue.get()
        queue.task_done()


async def holder(lock):
    async with lock:
        await asyncio.sleep(600)


async def waiter(lock):
    await asyncio.sleep(0.01)
    async with lock:
        pass


async def gatherer():
    await asyncio.gather(asyncio.sleep(60), asyncio.sleep(61))


async def guarded_caller():
    inner = asyncio.create_task(asyncio.sleep(60), name="guarded")
    await asyncio.shield(inner)


async def timed(event):
    async with asyncio.timeout(90):
        await event.wait()


async def threaded():
    while True:
        await asyncio.to_thread(time.sleep, 2)


async def main():
    asyncio.current_task().set_name("main")
    cycle = {}
    cycle["cycle-a"] = asyncio.create_task(cycle_a(cycle), name="cycle-a")
    cycle["cycle-b"] = asyncio.create_task(cycle_b(cycle), name="cycle-b")
    queue = asyncio.Queue(maxsize=10)
    lock = asyncio.Lock()
    event = asyncio.Event()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(stop_watcher(), name="stop-watcher")
            tg.create_task(ticker(), name="ticker")
            tg.create_task(consumer(queue), name="consumer")
            tg.create_task(holder(lock), name="holder")
            tg.create_task(waiter(lock), name="waiter")
            tg.create_task(asyncio.sleep(60), name="sleeper")
            tg.create_task(gatherer(), name="gatherer")
            tg.create_task(guarded_caller(), name="guarded-caller")
            tg.create_task(timed(event), name="timed")
            tg.create_task(threaded(), name="threaded")
    except* Stop:
        pass
    print("fixture done", flush=True)


if __name__ == "__main__":
    try:
        os.remove(STOP_FILE)
    except FileNotFoundError:
        pass
    print("fixture started", flush=True)
    try:
        asyncio.run(main())
    finally:
        # The two tasks of the await cycle cannot be cancelled: cancelling one cancels the task it
        # awaits, which cancels the first again, until RecursionError (CPython's own behaviour).
        sys.stdout.flush()
        os._exit(0)
