"""wait_for(): await с ограничением по времени; по таймауту ожидаемая задача отменяется, и её отмена дожидается."""
import asyncio


async def slow_query() -> str:
    try:
        await asyncio.sleep(10)
        return "rows"
    except asyncio.CancelledError:
        print("slow_query: cancelled by wait_for, cleaning up")  # lens: stop here
        await asyncio.sleep(1)  # wait_for дожидается этой очистки, прежде чем поднять исключение
        raise


async def main() -> None:
    print(await asyncio.wait_for(asyncio.sleep(0.1, result="fast enough"), timeout=1))

    try:
        await asyncio.wait_for(slow_query(), timeout=0.2)
    except asyncio.TimeoutError:  # встроенный TimeoutError начиная с Python 3.11
        print("timed out")

    # Чтобы работа продолжилась после таймаута, защитите её shield и храните на неё ссылку.
    task = asyncio.create_task(asyncio.sleep(0.5, result="late result"))
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=0.1)
    except asyncio.TimeoutError:
        print("timed out; the shielded task still runs:", not task.done())
    print(await task)


if __name__ == "__main__":
    asyncio.run(main())
