"""asyncio.wait(): ждать набор задач до выполнения условия; ничего не отменяет и не поднимает исключений."""
import asyncio


async def job(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    if name == "b":
        raise RuntimeError("b failed")
    return name


def start() -> list:
    return [asyncio.create_task(job(n, s), name=n) for n, s in (("a", 0.1), ("b", 0.2), ("c", 0.6))]


def names(tasks: set) -> list:
    return sorted(t.get_name() for t in tasks)


async def main() -> None:
    for when in (asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION, asyncio.ALL_COMPLETED):
        tasks = start()
        done, pending = await asyncio.wait(tasks, return_when=when)
        print(f"{when}: done={names(done)} pending={names(pending)}")
        # wait() ничего не отменяет и не поднимает: доведите остальное до конца и соберите ошибки сами.
        await asyncio.gather(*tasks, return_exceptions=True)

    tasks = start()
    done, pending = await asyncio.wait(tasks, timeout=0.4)  # без TimeoutError: смотрите на `pending`
    print(f"timeout=0.4: done={names(done)} pending={names(pending)}")  # lens: stop here
    for task in pending:
        task.cancel()
    print("results:", await asyncio.gather(*tasks, return_exceptions=True))


if __name__ == "__main__":
    asyncio.run(main())
