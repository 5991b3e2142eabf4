"""Из другого потока в цикл событий: run_coroutine_threadsafe() и call_soon_threadsafe()."""
import asyncio
import threading


async def greet(name: str) -> str:
    await asyncio.sleep(1)
    return f"hello, {name}"  # lens: stop here


def worker(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue) -> None:
    # Обычный поток вне цикла событий: трогать объекты asyncio здесь напрямую нельзя.
    future = asyncio.run_coroutine_threadsafe(greet("thread"), loop)  # это concurrent.futures.Future
    print("thread: submitted greet() to the loop")
    print("thread got:", future.result(timeout=5))  # блокирует только этот поток, но не цикл
    for i in range(3):
        # asyncio.Queue не потокобезопасна: просим цикл вызвать put_nowait() за нас.
        loop.call_soon_threadsafe(inbox.put_nowait, f"message {i}")
    loop.call_soon_threadsafe(inbox.put_nowait, None)


async def main() -> None:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    thread = threading.Thread(target=worker, args=(loop, inbox))
    thread.start()
    while (message := await inbox.get()) is not None:
        print("loop got:", message)
    await asyncio.to_thread(thread.join)  # join() блокирует, поэтому не в потоке цикла


if __name__ == "__main__":
    asyncio.run(main())
