"""Corpus: every asyncio API the tracker hooks, with task lifetimes printed.

Run plain and under the runtime: output, exit code and the order in which tasks and
coroutines are freed must be the same.
"""
import asyncio
import gc
import sys
import threading
import time
import weakref

log = []


def watch(obj, label):
    weakref.finalize(obj, print, "freed", label)


async def leaf(n, label):
    await asyncio.sleep(n)
    return label


async def fails(label):
    await asyncio.sleep(0)
    raise ValueError(label)


async def main():
    loop = asyncio.get_running_loop()
    # create_task, ensure_future, loop.create_task
    t1 = asyncio.create_task(leaf(0.001, "t1"), name="t1")
    t2 = asyncio.ensure_future(leaf(0.001, "t2"))
    t3 = loop.create_task(leaf(0.001, "t3"))
    for t, n in ((t1, "t1"), (t2, "t2"), (t3, "t3")):
        watch(t, n)
    print(await t1, await t2, await t3)
    del t1, t2, t3
    gc.collect()
    # gather, with an exception
    print(await asyncio.gather(leaf(0, "g1"), fails("g2"), return_exceptions=True))
    # shield, cancelled outside, inner finishes
    inner = asyncio.create_task(leaf(0.01, "inner"), name="inner")
    outer = asyncio.ensure_future(asyncio.shield(inner))
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("outer cancelled, inner done:", await inner)
    # wait_for: timeout and success
    try:
        await asyncio.wait_for(leaf(1, "slow"), 0.01)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    print(await asyncio.wait_for(leaf(0, "quick"), 1))
    # asyncio.wait and as_completed
    ts = [asyncio.create_task(leaf(0.001 * i, "w%d" % i)) for i in range(3)]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_COMPLETED)
    print("wait first:", len(done) >= 1)
    for fut in asyncio.as_completed(ts):
        await fut
    print("as_completed ok")
    # locks, events, conditions, semaphores, queues
    lock = asyncio.Lock()
    ev = asyncio.Event()
    cond = asyncio.Condition()
    sem = asyncio.Semaphore(1)
    q = asyncio.Queue(maxsize=1)

    async def use_all(i):
        async with lock:
            await asyncio.sleep(0)
        async with sem:
            await q.put(i)
        await ev.wait()
        async with cond:
            await cond.wait_for(lambda: True)

    users = [asyncio.create_task(use_all(i)) for i in range(3)]
    for _ in range(3):
        print("queue got", await q.get())
    ev.set()
    await asyncio.gather(*users)
    # timeouts (3.11+), TaskGroup (3.11+), Barrier (3.11+)
    if sys.version_info >= (3, 11):
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(1)
        except TimeoutError:
            print("timeout fired")
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(leaf(1, "sibling"))
                tg.create_task(fails("tg"))
        except BaseException as eg:  # an ExceptionGroup (no except* on 3.10's parser)
            print("taskgroup failed:", [str(e) for e in eg.exceptions])
        barrier = asyncio.Barrier(2)
        await asyncio.gather(barrier.wait(), barrier.wait())
        print("barrier passed")
    # to_thread and run_in_executor
    print(await asyncio.to_thread(lambda: "from thread"))
    print(await loop.run_in_executor(None, time.sleep, 0.001))
    # cancellation with a message, and uncancel
    victim = asyncio.create_task(leaf(1, "victim"), name="victim")
    await asyncio.sleep(0)
    victim.cancel("stop it")
    try:
        await victim
    except asyncio.CancelledError as exc:
        print("victim cancelled:", exc.args)
    # a user task factory and an eager factory (3.12+)
    made = []

    def factory(loop, coro, **kw):
        made.append(1)
        return asyncio.Task(coro, loop=loop, **kw)

    loop.set_task_factory(factory)
    print(loop.get_task_factory() is factory, await asyncio.create_task(leaf(0, "factory")), len(made))
    if hasattr(asyncio, "eager_task_factory"):
        loop.set_task_factory(asyncio.eager_task_factory)
        print(await asyncio.create_task(leaf(0, "eager")))
    loop.set_task_factory(None)
    print(loop.get_task_factory())
    # a thread running its own loop
    res = []
    th = threading.Thread(target=lambda: res.append(asyncio.run(leaf(0, "other loop"))))
    th.start()
    th.join()
    print(res)
    # a task that fails and is never awaited: asyncio's warning at collection
    never = asyncio.create_task(fails("never retrieved"))
    await asyncio.sleep(0.01)
    del never
    gc.collect()
    print("end of main")


asyncio.run(main())
# Several loops in turn.
for i in range(2):
    loop = asyncio.new_event_loop()
    print(loop.run_until_complete(leaf(0, "loop %d" % i)))
    loop.close()
gc.collect()
print("exit")
