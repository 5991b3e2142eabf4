"""cancelling() counts the cancel requests of a task; uncancel() withdraws one (Python 3.11+)."""
import asyncio
import sys

if sys.version_info < (3, 11):
    print("This snippet needs Python 3.11+ (Task.cancelling, Task.uncancel); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)


async def worker() -> str:
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker: cancelling() =", me.cancelling())  # lens: stop here
        await asyncio.sleep(1)  # the request stays counted while we clean up
        # Carry on instead of ending: withdraw the request we handled (TaskGroup and
        # timeout() do this internally; your own code rarely needs to).
        print("worker: uncancel() ->", me.uncancel())
    return "carried on"


async def main() -> None:
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.1)
    task.cancel()  # each call to cancel() adds one request
    print("main: cancelling() =", task.cancelling())
    print("main: result:", await task, "| cancelled():", task.cancelled())
    print("main: cancelling() at the end =", task.cancelling())

    # Structured code relies on the count: asyncio.timeout() turns its own cancel into
    # TimeoutError and uncancels it, so an outer cancel of the same task is not lost.
    try:
        async with asyncio.timeout(0.1):
            await asyncio.sleep(10)
    except TimeoutError:
        print("main: TimeoutError; main's cancelling() =", asyncio.current_task().cancelling())


if __name__ == "__main__":
    asyncio.run(main())
