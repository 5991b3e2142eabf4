"""Всё вместе (Python 3.11+): краулер с ограничением частоты, TaskGroup, очередью и таймаутами."""
import asyncio
import sys

if sys.version_info < (3, 11):
    print("This snippet needs Python 3.11+ (asyncio.TaskGroup, asyncio.timeout); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)

LINKS = {"/": ["/a", "/b", "/slow"], "/a": ["/b", "/c"], "/b": [], "/c": ["/"], "/slow": []}


async def crawl(queue: asyncio.Queue, seen: set, limit: asyncio.Semaphore, log: list) -> None:
    while True:
        url = await queue.get()
        try:
            async with limit, asyncio.timeout(1):  # не больше 2 запросов одновременно, по 1 с на каждый
                await asyncio.sleep(5 if url == "/slow" else 0.3)  # вместо сетевого запроса
                links = LINKS[url]
            log.append(f"ok       {url}")
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.put_nowait(link)
        except TimeoutError:
            log.append(f"timeout  {url}")  # lens: stop here
        finally:
            queue.task_done()


async def main() -> None:
    queue, seen, log, limit = asyncio.Queue(), {"/"}, [], asyncio.Semaphore(2)
    queue.put_nowait("/")
    async with asyncio.TaskGroup() as tg:  # Ctrl+C отменяет main здесь, а группа отменяет всех рабочих
        workers = [tg.create_task(crawl(queue, seen, limit, log)) for _ in range(3)]
        await queue.join()  # каждый URL загружен или истёк по таймауту
        for worker in workers:
            worker.cancel()  # отменённая дочерняя задача — не ошибка для её TaskGroup
    print("\n".join(sorted(log)))


if __name__ == "__main__":
    asyncio.run(main())
