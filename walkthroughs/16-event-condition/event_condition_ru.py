"""Event: однократный сигнал для любого числа ожидающих. Condition: ждать, пока общее состояние не станет нужным."""
import asyncio


async def runner(name: str, start: asyncio.Event) -> None:
    await start.wait()  # возвращается сразу, если событие уже установлено
    print(f"{name} runs")


async def consumer(name: str, cond: asyncio.Condition, items: list) -> None:
    async with cond:
        await cond.wait_for(lambda: items)  # на время ожидания отпускает блокировку, потом снова её берёт
        print(f"{name} got {items.pop(0)}")


async def main() -> None:
    start = asyncio.Event()
    runners = [asyncio.create_task(runner(name, start)) for name in ("ann", "ben")]
    await asyncio.sleep(1)
    print("set() the event")  # lens: stop here
    start.set()  # будит всех ожидающих; остаётся установленным до clear()
    await asyncio.gather(*runners)

    cond = asyncio.Condition()
    items: list = []
    consumers = [asyncio.create_task(consumer(name, cond, items)) for name in ("c1", "c2")]
    await asyncio.sleep(0.5)
    for item in ("apple", "pear"):
        async with cond:  # меняйте общее состояние, только держа блокировку условия
            items.append(item)
            cond.notify()  # разбудить одного ожидающего (notify_all() будит всех)
        await asyncio.sleep(0.1)
    await asyncio.gather(*consumers)


if __name__ == "__main__":
    asyncio.run(main())
