"""asyncio.timeout() и timeout_at() (Python 3.11+): один срок на целый блок await."""
import asyncio
import sys

if sys.version_info < (3, 11):
    print("This snippet needs Python 3.11+ (asyncio.timeout, asyncio.timeout_at); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)


async def step(name: str, seconds: float) -> None:
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:  # внутри блока срок приходит как отмена
        print(f"  {name}: cancelled by the deadline")  # lens: stop here
        raise
    print(f"  {name}: done")


async def main() -> None:
    try:
        async with asyncio.timeout(1) as deadline:  # 1 с на всё в блоке
            await step("connect", 0.4)
            await step("download", 5)
    except TimeoutError:  # ...а выходит из него как TimeoutError
        print("block timed out; expired():", deadline.expired())

    loop = asyncio.get_running_loop()
    async with asyncio.timeout_at(loop.time() + 0.5) as deadline:  # абсолютное время по loop.time()
        await step("quick", 0.1)
    print("in time; expired():", deadline.expired())

    try:
        async with asyncio.timeout(None) as deadline:  # срока пока нет...
            deadline.reschedule(loop.time() + 0.3)  # ...задать или сдвинуть его можно позже
            await step("late", 1)
    except TimeoutError:
        print("rescheduled deadline hit; expired():", deadline.expired())


if __name__ == "__main__":
    asyncio.run(main())
