import asyncio
import time


async def work():
    await asyncio.sleep(1)


async def main():
    asyncio.create_task(work())
    time.sleep(1)
    work()


if __name__ == "__main__":
    asyncio.run(main())
