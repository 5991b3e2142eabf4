"""A small pipeline crawler: the bundled example for `npm start` and `npm run editor`.

A producer fills a bounded Queue with page ids; a TaskGroup of fetchers takes them, each
"download" is a sleep, and a slow page is abandoned by a timeout. No network is used.
"""
import asyncio
import sys

PAGES = 12
SLOW_PAGE = 7  # this page never answers in time


async def download(page: int) -> str:
    await asyncio.sleep(5.0 if page == SLOW_PAGE else 0.15 + (page % 3) * 0.05)
    return f"<html>page {page}</html>"


async def fetcher(worker: int, queue: asyncio.Queue, results: dict) -> None:
    while True:
        page = await queue.get()
        try:
            if page is None:
                return
            try:
                results[page] = len(await asyncio.wait_for(download(page), timeout=0.4))
                print(f"fetcher-{worker}: page {page} ok")
            except asyncio.TimeoutError:
                results[page] = None
                print(f"fetcher-{worker}: page {page} timed out")
        finally:
            queue.task_done()


async def producer(queue: asyncio.Queue, workers: int) -> None:
    for page in range(PAGES):
        await queue.put(page)
    for _ in range(workers):
        await queue.put(None)


async def main(workers: int) -> int:
    queue: asyncio.Queue = asyncio.Queue(maxsize=3)
    results: dict = {}
    async with asyncio.TaskGroup() as group:
        group.create_task(producer(queue, workers), name="producer")
        for worker in range(workers):
            group.create_task(fetcher(worker, queue, results), name=f"fetcher-{worker}")
    failed = sorted(page for page, size in results.items() if size is None)
    print(f"crawled {len(results)} pages, {len(failed)} timed out: {failed}")
    return 0


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        print("This example needs Python 3.11+ (asyncio.TaskGroup).")
        sys.exit(0)
    sys.exit(asyncio.run(main(workers=3)))
