"""Putting it together (Python 3.11+): a rate-limited crawler with a TaskGroup, a Queue and timeouts."""
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
            async with limit, asyncio.timeout(1):  # at most 2 requests at once, 1 s each
                await asyncio.sleep(5 if url == "/slow" else 0.3)  # stands in for a network request
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
    async with asyncio.TaskGroup() as tg:  # Ctrl+C cancels main here, and the group cancels every worker
        workers = [tg.create_task(crawl(queue, seen, limit, log)) for _ in range(3)]
        await queue.join()  # every URL fetched or timed out
        for worker in workers:
            worker.cancel()  # a cancelled child is not an error for its TaskGroup
    print("\n".join(sorted(log)))


if __name__ == "__main__":
    asyncio.run(main())
