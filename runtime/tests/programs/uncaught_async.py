import asyncio


async def child():
    await asyncio.sleep(0)
    raise RuntimeError("child failed")


async def main():
    await asyncio.create_task(child())


asyncio.run(main())
