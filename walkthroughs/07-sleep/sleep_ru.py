"""Сон: asyncio.sleep() приостанавливает только текущую задачу; time.sleep() блокирует весь цикл событий."""
import asyncio
import time


async def ticker(name: str) -> None:
    for i in range(3):
        print(f"{name} tick {i}")
        await asyncio.sleep(0)  # просто точка уступки: даёт другим готовым задачам выполниться один раз


async def heartbeat(beats: list) -> None:
    while True:
        beats.append("beat")
        await asyncio.sleep(0.3)


async def main() -> None:
    # sleep(0): две задачи чередуются в каждой точке уступки.
    await asyncio.gather(ticker("A"), ticker("B"))

    beats: list = []
    task = asyncio.create_task(heartbeat(beats))
    await asyncio.sleep(0.75)  # ждёт только main; сердцебиение продолжается (в 0, 0,3 и 0,6 с)
    print("beats during asyncio.sleep(0.75):", len(beats))

    before = len(beats)
    time.sleep(1)
    # time.sleep() занял поток: цикл не мог выполнить ничего, даже сердцебиение.
    print("beats during time.sleep(1):", len(beats) - before)  # lens: stop here
    task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
