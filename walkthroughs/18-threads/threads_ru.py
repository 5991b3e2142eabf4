"""to_thread() и run_in_executor(): блокирующие вызовы уходят в поток, и цикл событий продолжает работать."""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def blocking_read(name: str) -> str:
    time.sleep(1)  # lens: stop here
    return f"{name}: read"  # блокирующий вызов (файл, старая библиотека, time.sleep) в рабочем потоке — нормально


async def heartbeat(beats: list) -> None:
    while True:
        beats.append("beat")
        await asyncio.sleep(0.2)


async def main() -> None:
    beats: list = []
    task = asyncio.create_task(heartbeat(beats))

    # asyncio.to_thread() (3.9+): исполнитель цикла по умолчанию, с contextvars вызывающего.
    results = await asyncio.gather(asyncio.to_thread(blocking_read, "a"), asyncio.to_thread(blocking_read, "b"))
    print(results, "| the loop kept beating:", len(beats) >= 3)

    # loop.run_in_executor(): исполнитель выбираете вы (для счётной работы подходит ProcessPoolExecutor).
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [loop.run_in_executor(pool, blocking_read, name) for name in ("c", "d")]
        print(await asyncio.gather(*futures))
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
