"""Values to inspect, evaluate and change."""
import asyncio


class BadRepr:
    def __repr__(self):
        raise ValueError("no repr for you")


class Huge:
    def __repr__(self):
        return "x" * 100000


class Point:
    def __init__(self):
        self.x = 1
        self.y = 2


def spin_forever():
    while True:
        pass


async def quick():
    return 42


async def main():
    items = list(range(2500))
    mapping = {"a": 1, "b": [1, 2]}
    bad = BadRepr()
    huge = Huge()
    p = Point()
    counter = 10
    await asyncio.sleep(0)
    print("counter", counter, p.x, flush=True)  # @stop
    print("after", counter, flush=True)
    return items, mapping, bad, huge


asyncio.run(main())
