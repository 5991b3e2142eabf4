"""Corpus: an uncaught exception from a task group ends the program (exit code 1)."""
import asyncio
import sys


async def bad():
    await asyncio.sleep(0)
    raise KeyError("boom")


async def main():
    t = asyncio.create_task(bad(), name="bad")
    await asyncio.sleep(0.01)
    print("about to await", t.get_name())
    sys.stdout.flush()
    await t


asyncio.run(main())
