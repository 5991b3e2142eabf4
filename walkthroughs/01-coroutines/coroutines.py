"""Coroutines: `async def` makes a coroutine function; `await` runs a coroutine to its end."""
import asyncio


async def brew(drink: str, seconds: float) -> str:
    print(f"start brewing {drink}")
    await asyncio.sleep(seconds)  # suspends this coroutine; the event loop runs others meanwhile
    print(f"{drink} is ready")  # lens: stop here
    return drink


async def main() -> None:
    coro = brew("tea", 1.0)  # calling a coroutine function runs nothing yet...
    print(f"made {type(coro).__name__} object")
    drink = await coro  # ...await runs it, here and now, to its end
    print(f"got {drink}")

    # Two coroutines awaited one after the other take the sum of their times.
    for name in ("coffee", "cocoa"):
        await brew(name, 0.3)


if __name__ == "__main__":
    asyncio.run(main())  # creates the event loop, runs main() as its first task, closes the loop
