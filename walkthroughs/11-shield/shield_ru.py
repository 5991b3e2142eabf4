"""shield(): отмена ожидающей задачи не отменяет защищённую работу."""
import asyncio


async def save(record: str) -> str:
    print(f"save({record}): writing")
    await asyncio.sleep(1)
    print(f"save({record}): written")
    return "saved"


async def handler(inner: asyncio.Task) -> None:
    try:
        await asyncio.shield(inner)
    except asyncio.CancelledError:
        print("handler: cancelled while it waited")
        raise


async def main() -> None:
    inner = asyncio.create_task(save("order-1"))  # храните ссылку на защищённую задачу
    outer = asyncio.create_task(handler(inner))
    await asyncio.sleep(0.2)
    outer.cancel()
    await asyncio.wait([outer])
    print("outer cancelled:", outer.cancelled(), "| inner done:", inner.done())  # lens: stop here
    print("inner result:", await inner)  # работа всё равно завершилась

    # Предел: shield() защищает только снаружи. Отмените саму внутреннюю задачу — и она остановится.
    inner = asyncio.create_task(save("order-2"))
    shielded = asyncio.shield(inner)
    await asyncio.sleep(0.1)
    inner.cancel()
    try:
        await shielded
    except asyncio.CancelledError:
        print("inner cancelled directly:", inner.cancelled())


if __name__ == "__main__":
    asyncio.run(main())
