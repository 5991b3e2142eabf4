"""A task forks; the child prints and exits, running atexit handlers, while a debugger listens.

The child ends with ``atexit._run_exitfuncs()`` and ``os._exit(0)``, which works on every
version. ``--sys-exit``: the child calls ``sys.exit(0)`` inside the task instead. From 3.14
on, plain CPython then cannot leave the task ("loop ... is not the running loop") and the
child never ends.
"""
import asyncio
import atexit
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
        if "--sys-exit" in sys.argv:
            sys.exit(0)
        atexit._run_exitfuncs()  # what sys.exit would run: the agent's handlers too
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print("parent saw child exit", os.waitstatus_to_exitcode(status), flush=True)


asyncio.run(main())
