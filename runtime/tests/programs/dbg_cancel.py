"""A task that sleeps until cancelled from the debugger."""
import asyncio


async def forever():
    await asyncio.sleep(0)  # main is awaiting this task by now
    print("started", flush=True)
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError as exc:
        print("cancelled with", exc.args, flush=True)
        raise


async def main():
    t = asyncio.create_task(forever(), name="sleeper")
    try:
        await t
    except asyncio.CancelledError:
        print("main saw it", flush=True)


asyncio.run(main())
