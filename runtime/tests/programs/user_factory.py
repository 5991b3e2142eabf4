"""A program with its own task factory (and its own Task subclass)."""
import asyncio

made = []


class MyTask(asyncio.Task):
    pass


def factory(loop, coro, **kwargs):
    task = MyTask(coro, loop=loop, **kwargs)
    made.append(type(task).__name__)
    return task


async def child(n):
    await asyncio.sleep(0)
    return n


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(factory)
    print("factory is mine:", loop.get_task_factory() is factory)
    r = await asyncio.gather(child(1), child(2))
    t = asyncio.create_task(child(3))
    print(r, await t, type(t).__name__, t.get_name().startswith("Task-"))
    loop.set_task_factory(None)
    print("factory after reset:", loop.get_task_factory())
    t2 = asyncio.create_task(child(4))
    print(await t2, type(t2).__name__)
    try:
        loop.set_task_factory(42)
    except TypeError as exc:
        print("TypeError:", exc)


asyncio.run(main())
print("made", made)
