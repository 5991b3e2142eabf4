"""Awaitable-объекты: корутины, задачи (Task) и футуры (Future) — то, что принимает `await`."""
import asyncio
import inspect


async def answer() -> int:
    await asyncio.sleep(0.1)
    return 42


def fill(future: asyncio.Future) -> None:
    future.set_result("filled in by a callback")  # lens: stop here


async def main() -> None:
    # 1. Корутина: await выполняет её внутри текущей задачи, как вызов. Ждать её можно один раз.
    coro = answer()
    print("coroutine is awaitable:", inspect.isawaitable(coro))
    print("await coroutine ->", await coro)
    try:
        await coro
    except RuntimeError as error:
        print("second await ->", error)

    # 2. Задача: запланирована сразу и выполняется сама; await ждёт её результата сколько угодно раз.
    task = asyncio.create_task(answer())
    print("await task ->", await task, "| again ->", await task)

    # 3. Future: низкоуровневое место для результата, который установит кто-то другой.
    future = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(1.0, fill, future)
    print("future done before await:", future.done())
    print("await future ->", await future)

    # Всё остальное ждать через await нельзя.
    print("42 is awaitable:", inspect.isawaitable(42))


if __name__ == "__main__":
    asyncio.run(main())
