"""Keeps running after the debugger goes away; finishes when stdin gets a line."""
import asyncio
import sys


async def main():
    loop = asyncio.get_running_loop()
    print("started", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    ticks = []
    for i in range(20):
        await asyncio.gather(*(asyncio.sleep(0.001) for _ in range(50)))
        ticks.append(i)
    print("finished", len(ticks), flush=True)
    return 0


sys.exit(asyncio.run(main()))
