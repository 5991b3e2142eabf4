"""to_thread() and run_in_executor(): blocking calls go to a thread so the event loop keeps running."""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def blocking_read(name: str) -> str:
    time.sleep(1)  # lens: stop here
    return f"{name}: read"  # a blocking call (file, old library, time.sleep) is fine in a worker thread


async def heartbeat(beats: list) -> None:
    while True:
        beats.append("beat")
        await asyncio.sleep(0.2)


async def main() -> None:
    beats: list = []
    task = asyncio.create_task(heartbeat(beats))

    # asyncio.to_thread() (3.9+): the loop's default executor, with the caller's contextvars.
    results = await asyncio.gather(asyncio.to_thread(blocking_read, "a"), asyncio.to_thread(blocking_read, "b"))
    print(results, "| the loop kept beating:", len(beats) >= 3)

    # loop.run_in_executor(): you choose the executor (a ProcessPoolExecutor suits CPU-bound work).
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [loop.run_in_executor(pool, blocking_read, name) for name in ("c", "d")]
        print(await asyncio.gather(*futures))
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
