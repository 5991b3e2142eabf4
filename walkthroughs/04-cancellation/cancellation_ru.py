"""Отмена: task.cancel() возбуждает CancelledError внутри задачи, в том await, где она ждёт."""
import asyncio


async def worker() -> None:
    try:
        print("worker: working")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker: cancelled, cleaning up")  # lens: stop here
        await asyncio.sleep(1)  # очистка может ждать через await; задача всё это время жива
        raise  # поднимаем снова: задача завершается как отменённая
    finally:
        print("worker: finally runs")


async def stubborn() -> str:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        return "swallowed the CancelledError"  # так не делайте: см. объяснение
    return "finished"


async def main() -> None:
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.1)
    print("main: cancel() returns", task.cancel())
    print("main: done right after cancel():", task.done())  # cancel() только запрашивает отмену
    try:
        await task
    except asyncio.CancelledError:
        print("main: the task ended with CancelledError")
    print("main: cancelled():", task.cancelled(), "| cancel() again returns", task.cancel())

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0.1)
    task.cancel()
    print("stubborn:", await task, "| cancelled():", task.cancelled())


if __name__ == "__main__":
    asyncio.run(main())
