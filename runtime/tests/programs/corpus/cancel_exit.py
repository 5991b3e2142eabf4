"""Corpus: the main task cancelled from a loop callback; CancelledError ends the program."""
import asyncio


async def main():
    asyncio.get_running_loop().call_later(0.01, asyncio.current_task().cancel, "from callback")
    await asyncio.sleep(1)


try:
    asyncio.run(main())
except asyncio.CancelledError as exc:
    print("cancelled", exc.args)
raise SystemExit(3)
