"""Introspection: current_task(), all_tasks(), done() and cancelled()."""
import asyncio


async def sleeper(seconds: float) -> None:
    await asyncio.sleep(seconds)


def report(title: str) -> None:
    print(title)
    # all_tasks(): the loop's tasks that are not done yet, in no particular order (a set).
    for task in sorted(asyncio.all_tasks(), key=lambda t: t.get_name()):
        print(f"  {task.get_name():7} done={task.done()} cancelled={task.cancelled()}")


async def main() -> None:
    me = asyncio.current_task()  # the task running this coroutine
    me.set_name("main")
    print("current task:", me.get_name(), "runs", me.get_coro().__name__ + "()")
    short = asyncio.create_task(sleeper(0.1), name="short")
    long = asyncio.create_task(sleeper(1.5), name="long")
    doomed = asyncio.create_task(sleeper(10), name="doomed")
    report("right after create_task():")

    await asyncio.sleep(0.3)
    doomed.cancel()
    await asyncio.sleep(0)  # one loop turn: the cancelled task gets to finish
    report("0.3 s later:")  # lens: stop here
    for task in (short, doomed):
        print(f"  {task.get_name()}: done={task.done()} cancelled={task.cancelled()} (not in all_tasks)")
    await long


if __name__ == "__main__":
    asyncio.run(main())
