"""Fixture for the editor tests: an event loop that a task blocks with time.sleep().

"ticker" sleeps politely; "hog" blocks the whole loop with time.sleep(1.5) every 2 s, so the
Asyncio Lens watchdog reports a blocked loop. Ends after LENS_FIXTURE_MAX_S seconds (default 25)
or when blocked_fixture.stop appears next to this script.
"""
import asyncio
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STOP_FILE = os.path.join(HERE, "blocked_fixture.stop")
MAX_S = float(os.environ.get("LENS_FIXTURE_MAX_S", "25"))


async def ticker() -> None:
    while True:
        await asyncio.sleep(0.05)


async def hog() -> None:
    while True:
        await asyncio.sleep(2)
        time.sleep(1.5)  # blocks the event loop: the mistake this fixture shows


async def main() -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_S
    tasks = [asyncio.create_task(ticker(), name="ticker"), asyncio.create_task(hog(), name="hog")]
    while loop.time() < deadline and not os.path.exists(STOP_FILE):
        await asyncio.sleep(0.2)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    try:
        os.remove(STOP_FILE)
    except FileNotFoundError:
        pass
    asyncio.run(main())
