"""The eager task factory (Python 3.12+): a task starts running inside create_task()."""
import asyncio
import sys

if sys.version_info < (3, 12):
    print("This snippet needs Python 3.12+ (asyncio.eager_task_factory); this is Python %d.%d." % sys.version_info[:2])
    sys.exit(0)

CACHE = {"home": "<home, cached>"}


async def fetch(page: str) -> str:
    print(f"  fetch({page}) starts")
    if page in CACHE:
        return CACHE[page]  # lens: stop here
    await asyncio.sleep(0.5)  # the first real suspension: from here on an ordinary task
    return f"<{page}, downloaded>"


async def demo() -> None:
    for page in ("home", "about"):
        task = asyncio.create_task(fetch(page))
        print(f"  create_task({page}) returned; done: {task.done()}")
        print("  result:", await task)


async def main() -> None:
    loop = asyncio.get_running_loop()
    print("eager task factory:")
    loop.set_task_factory(asyncio.eager_task_factory)
    # same as: loop.set_task_factory(asyncio.create_eager_task_factory(asyncio.Task))
    await demo()
    print("default task factory:")
    loop.set_task_factory(None)
    await demo()


if __name__ == "__main__":
    asyncio.run(main())
