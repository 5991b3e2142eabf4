"""Awaitables: coroutines, Tasks and Futures are the objects that `await` accepts."""
import asyncio
import inspect


async def answer() -> int:
    await asyncio.sleep(0.1)
    return 42


def fill(future: asyncio.Future) -> None:
    future.set_result("filled in by a callback")  # lens: stop here


async def main() -> None:
    # 1. A coroutine: await runs it inside the current task, like a call. It can be awaited once.
    coro = answer()
    print("coroutine is awaitable:", inspect.isawaitable(coro))
    print("await coroutine ->", await coro)
    try:
        await coro
    except RuntimeError as error:
        print("second await ->", error)

    # 2. A Task: scheduled at once, it runs on its own; await waits for its result, as often as you like.
    task = asyncio.create_task(answer())
    print("await task ->", await task, "| again ->", await task)

    # 3. A Future: a low-level placeholder for a result that someone else sets.
    future = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(1.0, fill, future)
    print("future done before await:", future.done())
    print("await future ->", await future)

    # Anything else is not awaitable.
    print("42 is awaitable:", inspect.isawaitable(42))


if __name__ == "__main__":
    asyncio.run(main())
