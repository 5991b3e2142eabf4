"""Tasks for the debugger tests: two tasks running the same code, and an await chain."""
import asyncio
import sys


async def worker(name, n):
    total = 0
    for i in range(n):
        total += i  # @worker_loop
        await asyncio.sleep(0.01)  # @worker_await
        total += 1  # @worker_after
    return total  # @worker_return


async def leaf(x):
    y = x * 2  # @leaf_first
    await asyncio.sleep(0)
    return y  # @leaf_return


async def middle(x):
    v = await leaf(x)  # @middle_await
    return v + 1  # @middle_after


async def album():
    r = await middle(5)  # @album_await
    return r  # @album_after


async def grouped():
    async with asyncio.TaskGroup() as tg:  # @group
        tg.create_task(leaf(1), name="tg-leaf")


async def main():
    a = asyncio.create_task(worker("a", 3), name="worker-a")  # @create_a
    b = asyncio.create_task(worker("b", 3), name="worker-b")
    res = await asyncio.gather(a, b)  # @gather
    al = await asyncio.create_task(album(), name="album")  # @await_album
    print("results", res, al)  # @print
    if sys.version_info >= (3, 11):
        await grouped()


asyncio.run(main())
