"""cancelling() считает запросы на отмену задачи; uncancel() отзывает один из них (Python 3.11+)."""
import asyncio
import sys

if sys.version_info < (3, 11):
    print("This snippet needs Python 3.11+ (Task.cancelling, Task.uncancel); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)


async def worker() -> str:
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker: cancelling() =", me.cancelling())  # lens: stop here
        await asyncio.sleep(1)  # пока идёт очистка, запрос остаётся в счёте
        # Продолжаем работу вместо завершения: отзываем обработанный запрос (TaskGroup и
        # timeout() делают это внутри себя; вашему коду это нужно редко).
        print("worker: uncancel() ->", me.uncancel())
    return "carried on"


async def main() -> None:
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.1)
    task.cancel()  # каждый вызов cancel() добавляет один запрос
    print("main: cancelling() =", task.cancelling())
    print("main: result:", await task, "| cancelled():", task.cancelled())
    print("main: cancelling() at the end =", task.cancelling())

    # Структурный код опирается на счёт: asyncio.timeout() превращает свою отмену в
    # TimeoutError и отзывает её, поэтому внешняя отмена той же задачи не теряется.
    try:
        async with asyncio.timeout(0.1):
            await asyncio.sleep(10)
    except TimeoutError:
        print("main: TimeoutError; main's cancelling() =", asyncio.current_task().cancelling())


if __name__ == "__main__":
    asyncio.run(main())
