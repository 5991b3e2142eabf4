"""A small asyncio program: output, tasks, gather, a result."""
import asyncio


async def fetch(n):
    await asyncio.sleep(0.01 * n)
    return n * n


async def main():
    results = await asyncio.gather(*(fetch(i) for i in range(5)))
    print("results", results)
    task = asyncio.create_task(fetch(3), name="named")
    print("task", task.get_name(), await task)
    print("repr", repr(task).split(" coro=")[0])
    loop = asyncio.get_running_loop()
    print("factory", loop.get_task_factory())


print("start")
asyncio.run(main())
print("end")
