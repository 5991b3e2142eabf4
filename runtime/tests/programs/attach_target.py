"""A program for attach by PID, run with plain python. Prints "ready PID", then waits.

``idle``: the loop sleeps in epoll_wait (nothing scheduled) until a line comes on stdin.
``blocking``: the coroutine reads the line with a blocking read instead (the loop is
blocked, its main thread in the read system call). Meanwhile 'guarded' runs shielded by 'shielder', and 'stubborn' finishes
its wait although it was cancelled, and 'grouper' waits for the 'member' of its TaskGroup. Exits 3 after printing what it read.
"""
import asyncio
import os
import sys


async def leaf(ev):
    await ev.wait()


async def stubborn(ev):
    try:
        await ev.wait()
    except asyncio.CancelledError:
        await ev.wait()  # ends its work first
        raise


async def main():
    ev = asyncio.Event()
    guarded = asyncio.create_task(leaf(ev), name="guarded")

    async def shielder():
        await asyncio.shield(guarded)

    async def grouper():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(leaf(ev), name="member")

    sh = asyncio.create_task(shielder(), name="shielder")
    st = asyncio.create_task(stubborn(ev), name="stubborn")
    gr = asyncio.create_task(grouper(), name="grouper")
    blocking = sys.argv[1:] == ["blocking"]
    if not blocking:  # (a read pipe makes stdin non-blocking)
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await asyncio.sleep(0)
    st.cancel("stop now")
    print("ready", os.getpid(), flush=True)
    if blocking:
        line = sys.stdin.buffer.readline()
    else:
        line = await reader.readline()
    ev.set()
    await asyncio.gather(sh, st, gr, return_exceptions=True)
    print("read", line.decode().strip(), flush=True)
    return 3


sys.exit(asyncio.run(main()))
