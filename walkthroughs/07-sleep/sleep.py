"""Sleeping: asyncio.sleep() suspends only the calling task; time.sleep() blocks the whole event loop."""
import asyncio
import time


async def ticker(name: str) -> None:
    for i in range(3):
        print(f"{name} tick {i}")
        await asyncio.sleep(0)  # a bare yield point: lets the other ready tasks run once


async def heartbeat(beats: list) -> None:
    while True:
        beats.append("beat")
        await asyncio.sleep(0.3)


async def main() -> None:
    # sleep(0): two tasks take turns at every yield point.
    await asyncio.gather(ticker("A"), ticker("B"))

    beats: list = []
    task = asyncio.create_task(heartbeat(beats))
    await asyncio.sleep(0.75)  # only main waits; the heartbeat goes on (at 0, 0.3 and 0.6 s)
    print("beats during asyncio.sleep(0.75):", len(beats))

    before = len(beats)
    time.sleep(1)
    # time.sleep() held the thread: the loop could run nothing, not even the heartbeat.
    print("beats during time.sleep(1):", len(beats) - before)  # lens: stop here
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
