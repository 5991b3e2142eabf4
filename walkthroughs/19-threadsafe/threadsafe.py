"""From another thread into the loop: run_coroutine_threadsafe() and call_soon_threadsafe()."""
import asyncio
import threading


async def greet(name: str) -> str:
    await asyncio.sleep(1)
    return f"hello, {name}"  # lens: stop here


def worker(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue) -> None:
    # A plain thread, outside the event loop: asyncio objects must not be touched directly here.
    future = asyncio.run_coroutine_threadsafe(greet("thread"), loop)  # a concurrent.futures.Future
    print("thread: submitted greet() to the loop")
    print("thread got:", future.result(timeout=5))  # blocks this thread only, never the loop
    for i in range(3):
        # asyncio.Queue is not thread-safe: ask the loop to call put_nowait() for us.
        loop.call_soon_threadsafe(inbox.put_nowait, f"message {i}")
    loop.call_soon_threadsafe(inbox.put_nowait, None)


async def main() -> None:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    thread = threading.Thread(target=worker, args=(loop, inbox))
    thread.start()
    while (message := await inbox.get()) is not None:
        print("loop got:", message)
    await asyncio.to_thread(thread.join)  # join() blocks, so not on the loop's thread


if __name__ == "__main__":
    asyncio.run(main())
