"""A forked child that exits normally (running atexit handlers) while a debugger listens."""
import asyncio
import os
import sys
import threading

if "--thread" in sys.argv:  # a program with a thread of its own gets 3.12's fork warning
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()


async def main():
    await asyncio.sleep(0)
    pid = os.fork()
    if pid == 0:
        print("child", flush=True)
        sys.exit(0)  # atexit handlers run in the child too
    _, status = os.waitpid(pid, 0)
    print("parent saw child exit", os.waitstatus_to_exitcode(status), flush=True)


asyncio.run(main())
