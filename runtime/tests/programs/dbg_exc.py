"""Exceptions: caught, raised in an orphan task, uncaught."""
import asyncio
import gc
import sys


def risky(x):
    if x > 1:
        raise ValueError("too big: %d" % x)  # @raise
    return x


def caught():
    try:
        risky(5)  # @call_risky
    except ValueError:
        return "caught"  # @caught


async def fails():
    await asyncio.sleep(0)
    raise KeyError("lost")  # @task_raise


async def main():
    print(caught(), flush=True)
    asyncio.create_task(fails(), name="orphan")
    await asyncio.sleep(0.05)
    gc.collect()
    await asyncio.sleep(0.05)
    risky(int(sys.argv[1]))  # @uncaught
    print("no error", flush=True)


asyncio.run(main())
