"""asyncio.Queue: производители кладут, потребители забирают; join() ждёт, пока каждый элемент не обработан."""
import asyncio


async def producer(queue: asyncio.Queue, count: int) -> None:
    for i in range(count):
        await queue.put(f"job-{i}")  # ждёт, пока очередь полна (maxsize)
        print(f"put job-{i}")


async def consumer(name: str, queue: asyncio.Queue) -> None:
    while True:
        job = await queue.get()  # ждёт, пока очередь пуста
        try:
            await asyncio.sleep(0.4)  # lens: stop here
            print(f"  {name} did {job}")
        finally:
            queue.task_done()  # один task_done() на каждый get(): join() их считает


async def main() -> None:
    queue: asyncio.Queue = asyncio.Queue(maxsize=2)  # ограниченная: быстрому производителю приходится ждать
    consumers = [asyncio.create_task(consumer(f"worker-{i}", queue)) for i in (1, 2)]
    await producer(queue, 6)
    await queue.join()  # каждый элемент взят и отмечен как выполненный
    print("all jobs done")
    for task in consumers:  # потребители крутятся вечно: останавливаем их
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
