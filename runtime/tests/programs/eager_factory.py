"""Eager tasks (Python 3.12+): some finish synchronously, some suspend."""
import asyncio

order = []


async def quick(n):
    order.append(("quick", n))
    return n


async def slow(n):
    order.append(("slow-start", n))
    await asyncio.sleep(0.01)
    order.append(("slow-end", n))
    return n


async def spawner():
    t = asyncio.create_task(quick(10))
    order.append(("spawned", t.done()))
    return await t


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    print("factory is eager:", loop.get_task_factory() is asyncio.eager_task_factory)
    t1 = asyncio.create_task(quick(1))
    print("quick done at once:", t1.done(), t1.result())
    t2 = asyncio.create_task(slow(2))
    print("slow done at once:", t2.done())
    print(await asyncio.gather(quick(3), slow(4), spawner()))
    print(await t2)
    print(order)
    print("names:", t1.get_name().startswith("Task-"), t2.get_name().startswith("Task-"))


asyncio.run(main())
