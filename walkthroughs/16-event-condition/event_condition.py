"""Event: a one-shot signal for any number of waiters. Condition: wait until shared state is right."""
import asyncio


async def runner(name: str, start: asyncio.Event) -> None:
    await start.wait()  # returns at once if the event is already set
    print(f"{name} runs")


async def consumer(name: str, cond: asyncio.Condition, items: list) -> None:
    async with cond:
        await cond.wait_for(lambda: items)  # releases the lock while it waits, holds it again after
        print(f"{name} got {items.pop(0)}")


async def main() -> None:
    start = asyncio.Event()
    runners = [asyncio.create_task(runner(name, start)) for name in ("ann", "ben")]
    await asyncio.sleep(1)
    print("set() the event")  # lens: stop here
    start.set()  # wakes every waiter; stays set until clear()
    await asyncio.gather(*runners)

    cond = asyncio.Condition()
    items: list = []
    consumers = [asyncio.create_task(consumer(name, cond, items)) for name in ("c1", "c2")]
    await asyncio.sleep(0.5)
    for item in ("apple", "pear"):
        async with cond:  # change the shared state only while holding the condition's lock
            items.append(item)
            cond.notify()  # wake one waiter (notify_all() wakes every one)
        await asyncio.sleep(0.1)
    await asyncio.gather(*consumers)


if __name__ == "__main__":
    asyncio.run(main())
