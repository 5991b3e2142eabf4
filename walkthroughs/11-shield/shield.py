"""shield(): cancelling the task that waits does not cancel the shielded work."""
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
    inner = asyncio.create_task(save("order-1"))  # keep a reference to the shielded task
    outer = asyncio.create_task(handler(inner))
    await asyncio.sleep(0.2)
    outer.cancel()
    await asyncio.wait([outer])
    print("outer cancelled:", outer.cancelled(), "| inner done:", inner.done())  # lens: stop here
    print("inner result:", await inner)  # the work finished anyway

    # The limit: shield() guards against the outside only. Cancel the inner task itself and it stops.
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
