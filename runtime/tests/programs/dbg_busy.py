"""A coroutine that never yields (pause must still stop it), or a blocking sleep.

Each prints its ready line on a line of its own work, so that a pause that comes after
the line can only stop inside that work.
"""
import asyncio
import sys
import time


async def spin():
    n = 0
    while True:
        n += 1; n == 1000 and print("running", flush=True)  # @spin


async def block():
    print("running", flush=True); time.sleep(float(sys.argv[2]))  # @block
    return "woke"  # @woke


async def main():
    if sys.argv[1] == "spin":
        await spin()
    else:
        print(await block())


asyncio.run(main())
