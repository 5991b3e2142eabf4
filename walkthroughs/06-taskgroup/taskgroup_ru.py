"""TaskGroup (Python 3.11+): если одна задача падает, группа отменяет остальные и поднимает ExceptionGroup."""
import asyncio
import sys

if sys.version_info < (3, 11):
    print("This snippet needs Python 3.11+ (asyncio.TaskGroup, ExceptionGroup); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)


async def fetch(name: str, seconds: float, fail: bool = False) -> str:
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"{name}: cancelled by the group, cleaning up")  # lens: stop here
        await asyncio.sleep(1)  # группа дожидается этой очистки, прежде чем поднять исключение
        raise
    if fail:
        raise ConnectionError(f"{name} is down")
    return f"{name} ok"


async def main() -> None:
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(fetch("a", 0.2))
        b = tg.create_task(fetch("b", 0.1))
    print("the block waited for both:", a.result(), "/", b.result())

    try:
        async with asyncio.TaskGroup() as tg:
            slow = tg.create_task(fetch("slow", 5))
            tg.create_task(fetch("broken", 0.2, fail=True))
            print("body done; the group now waits for its tasks")
    except ExceptionGroup as group:  # на 3.11+ можно написать: except* ConnectionError as group:
        print("caught:", group)
        for error in group.exceptions:
            print("  -", type(error).__name__, error)
    print("slow was cancelled:", slow.cancelled())


if __name__ == "__main__":
    asyncio.run(main())
