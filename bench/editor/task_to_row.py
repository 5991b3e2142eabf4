"""The program bench/task-to-row.mjs debugs: N idle tasks under a 'holder' task, then, each time
the trigger file go-<i> appears in DIR, a new task 'probe-<i>' (cancelling the previous one)
whose creation time (epoch seconds) it writes to made-<i>; ends when DIR/stop appears. Usage: task_to_row.py N PROBES DIR"""
import asyncio
import os
import sys
import time

N, PROBES, DIR = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


async def idle(stop):
    await stop.wait()


async def holder(stop):
    await asyncio.gather(*(idle(stop) for _ in range(N)))


async def main():
    stop = asyncio.Event()
    held = asyncio.create_task(holder(stop), name="holder")
    probes = []
    for i in range(PROBES):
        trigger = os.path.join(DIR, f"go-{i}")
        while not os.path.exists(trigger):
            await asyncio.sleep(0.002)
        for probe in probes:  # one probe row at a time, so the view never needs scrolling
            probe.cancel()
        created = time.time()
        probes.append(asyncio.create_task(stop.wait(), name=f"probe-{i}"))
        with open(os.path.join(DIR, f"made-{i}.tmp"), "w") as f:
            f.write(repr(created))
        os.replace(os.path.join(DIR, f"made-{i}.tmp"), os.path.join(DIR, f"made-{i}"))
    while not os.path.exists(os.path.join(DIR, "stop")):
        await asyncio.sleep(0.05)
    stop.set()
    await held
    await asyncio.gather(*probes, return_exceptions=True)


asyncio.run(main())
