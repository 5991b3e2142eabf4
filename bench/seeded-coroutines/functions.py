import asyncio
import asyncio as aio
from asyncio import sleep, wait_for

from helpers import fetch, parse


async def download(url: str) -> str:
    await asyncio.sleep(0.1)
    return url


async def main() -> None:
    download("a")  # seeded
    asyncio.sleep(1)  # seeded
    aio.sleep(1)  # seeded
    sleep(1)  # seeded
    wait_for(download("b"), 1)  # seeded
    asyncio.open_connection("localhost", 80)  # seeded
    asyncio.to_thread(print, "x")  # seeded
    fetch("c")  # seeded
    parse("not a coroutine")
    await download("d")
    task = asyncio.create_task(download("e"))
    await task

    async def inner() -> None:
        await asyncio.sleep(0)

    inner()  # seeded


def sync_caller() -> None:
    download("f")  # seeded


if __name__ == "__main__":
    main()  # seeded
