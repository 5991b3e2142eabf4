"""as_completed(): получать результаты в том порядке, в каком awaitable-объекты завершаются."""
import asyncio
import sys


async def job(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return name


async def main() -> None:
    jobs = [job("slow", 1.0), job("medium", 0.5), job("fast", 0.1)]
    for next_done in asyncio.as_completed(jobs):  # оборачивает корутины в задачи
        result = await next_done  # самый ранний ещё не взятый результат
        print("finished:", result)  # lens: stop here

    late = asyncio.create_task(job("late", 5))
    try:
        for next_done in asyncio.as_completed([job("quick", 0.1), late], timeout=0.5):
            print("in time:", await next_done)
    except asyncio.TimeoutError:  # встроенный TimeoutError начиная с Python 3.11
        print("timed out; late is NOT cancelled, still running:", not late.done())
        late.cancel()

    if sys.version_info >= (3, 13):
        # 3.13+: `async for` отдаёт исходные задачи, так что видно, какая завершилась.
        tasks = [asyncio.create_task(job(n, s), name=n) for n, s in (("b", 0.2), ("a", 0.1))]
        async for task in asyncio.as_completed(tasks):
            print("task", task.get_name(), "->", task.result())
    else:
        print("(`async for` over as_completed needs Python 3.13+)")


if __name__ == "__main__":
    asyncio.run(main())
