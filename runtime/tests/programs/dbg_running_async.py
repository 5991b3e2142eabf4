"""A task polls until the file named in argv[1] exists; breakpoints are set meanwhile, in
its coroutine (already running) and in a function it calls when done."""
import asyncio
import os
import sys


def after(n):
    return n * 2  # @after


async def poll(path):
    n = 0
    while not os.path.exists(path):
        n += 1  # @poll_body
        await asyncio.sleep(0.005)
    return after(n)


async def main():
    print("ready", flush=True)
    result = await asyncio.create_task(poll(sys.argv[1]), name="poller")
    print("polled", result > 0, flush=True)


asyncio.run(main())
