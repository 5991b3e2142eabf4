"""gather(): выполнить awaitable-объекты конкурентно и получить результаты в порядке аргументов."""
import asyncio


async def job(name: str, seconds: float, fail: bool = False) -> str:
    await asyncio.sleep(seconds)
    if fail:
        raise ValueError(f"{name} failed")
    print(f"  {name} finished")
    return name


async def main() -> None:
    print("results in argument order, not finishing order:")
    print(" ", await asyncio.gather(job("slow", 0.3), job("fast", 0.1)))

    print("return_exceptions=True: exceptions come back as results")
    results = await asyncio.gather(job("ok", 0.1), job("bad", 0.2, fail=True), return_exceptions=True)
    print(" ", results)

    print("default: the first exception reaches the awaiter at once")
    survivor = asyncio.create_task(job("survivor", 1.0))
    try:
        await asyncio.gather(job("boom", 0.1, fail=True), survivor)
    except ValueError as error:
        print("  gather raised:", repr(error))
    # ...а остальные awaitable-объекты НЕ отменяются: они продолжают работать.
    print("  survivor still running:", not survivor.done())  # lens: stop here
    print("  survivor's result:", await survivor)


if __name__ == "__main__":
    asyncio.run(main())
