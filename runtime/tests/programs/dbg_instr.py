"""Breakpoints in a closure, a method, a coroutine and a module imported after they were
set (instrumented on 3.10/3.11, sys.monitoring on 3.12+)."""
import asyncio


def make_adder(k):
    def add(x):
        return x + k  # @closure
    return add


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1  # @method
        return self.n


async def fetch(i):
    await asyncio.sleep(0)
    return i * 2  # @coro


def main():
    import dbg_instr_mod  # first imported here, after the breakpoints were set

    add = make_adder(10)
    counter = Counter()
    total = 0
    for i in range(5):
        total += add(i) + counter.bump()
    total += dbg_instr_mod.work(3)
    print("result", total, asyncio.run(fetch(21)), flush=True)


main()
