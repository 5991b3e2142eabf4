"""Fixture for the editor tests: a few named asyncio tasks that stay suspended while the test looks.

main() (renamed "main") runs a TaskGroup with fetch-1..fetch-3, which wait on an asyncio.Event, and a
stop-watcher that sets the event when the stop file appears or when the time limit passes. So the program
always ends on its own: at once when the test writes the stop file, at the latest after
LENS_FIXTURE_MAX_S seconds (default 25).

Stop file: $LENS_FIXTURE_STOP, else tasks_fixture.stop next to this script.
"""
import asyncio
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STOP_FILE = os.environ.get("LENS_FIXTURE_STOP") or os.path.join(HERE, "tasks_fixture.stop")
MAX_S = float(os.environ.get("LENS_FIXTURE_MAX_S", "25"))


async def stop_watcher(done: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_S
    while not os.path.exists(STOP_FILE) and loop.time() < deadline:
        await asyncio.sleep(0.2)
    done.set()


async def fetch(i: int, done: asyncio.Event) -> int:
    await done.wait()
    return i


async def main() -> None:
    asyncio.current_task().set_name("main")
    done = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(stop_watcher(done), name="stop-watcher")
        fetches = [tg.create_task(fetch(i, done), name=f"fetch-{i}") for i in range(1, 4)]
    print("fixture done:", [t.result() for t in fetches], flush=True)


if __name__ == "__main__":
    try:
        os.remove(STOP_FILE)
    except FileNotFoundError:
        pass
    print("fixture started", flush=True)
    asyncio.run(main())
    sys.exit(0)
