"""Tasks: asyncio.create_task() schedules a coroutine to run concurrently with its caller."""
import asyncio

background_tasks = set()  # strong references: the event loop keeps only weak ones


async def download(name: str, seconds: float) -> str:
    print(f"{name}: start")
    await asyncio.sleep(seconds)
    print(f"{name}: done")  # lens: stop here
    return f"{name}.zip"


async def main() -> None:
    # create_task() returns at once; the task starts running at the loop's next turn.
    a = asyncio.create_task(download("a", 1.5), name="download-a")
    b = asyncio.create_task(download("b", 1.0), name="download-b")
    print("tasks created, main goes on")
    # Both download while main waits: this takes about 1.5 s, not 2.5 s.
    print("results:", await a, await b)

    # Fire and forget: keep a reference until the task is done, or it may vanish mid-flight.
    task = asyncio.create_task(download("log", 0.1))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    await asyncio.sleep(0.3)
    print("background tasks left:", len(background_tasks))


if __name__ == "__main__":
    asyncio.run(main())
