"""asyncio.Queue: producers put, consumers get; join() waits until every item is processed."""
import asyncio


async def producer(queue: asyncio.Queue, count: int) -> None:
    for i in range(count):
        await queue.put(f"job-{i}")  # waits while the queue is full (maxsize)
        print(f"put job-{i}")


async def consumer(name: str, queue: asyncio.Queue) -> None:
    while True:
        job = await queue.get()  # waits while the queue is empty
        try:
            await asyncio.sleep(0.4)  # lens: stop here
            print(f"  {name} did {job}")
        finally:
            queue.task_done()  # one task_done() per get(): join() counts them


async def main() -> None:
    queue: asyncio.Queue = asyncio.Queue(maxsize=2)  # bounded: a fast producer has to wait
    consumers = [asyncio.create_task(consumer(f"worker-{i}", queue)) for i in (1, 2)]
    await producer(queue, 6)
    await queue.join()  # every item taken and marked done
    print("all jobs done")
    for task in consumers:  # consumers loop forever: stop them
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
