"""Instruction counts (callgrind) of task churn and of a snapshot, per task: repeatable on a
busy machine, where the timed benchmarks (churn.py, snapshot.py) are not.

Run: python runtime/bench/instructions.py        (needs valgrind; about 2 minutes)

* churn: the marginal instructions per task of 20 000 more trivial tasks (created,
  gathered 1 000 at a time, finished), plain asyncio and with the tracker's factory
  (``python -m asyncio_lens run``), and their ratio. Process start-up cancels out.
* snapshot: 10 000 tasks suspended in 5-deep chains; the instructions of the first
  collection and of a repeat, per task.

Instructions are not time (a cache miss costs more than an add), but a change that adds
instructions to the hot path shows here at once, and versions compare without noise.
"""
import asyncio
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.dirname(HERE)


async def _work():
    return 1


def _churn(n, tracked):
    if tracked:
        from asyncio_lens._tracker import Tracker

        Tracker().install()

    async def main():
        for _ in range(n // 1000):
            await asyncio.gather(*[asyncio.create_task(_work()) for _ in range(1000)])

    asyncio.run(main())


def _snapshot(collections):
    from asyncio_lens._agent import Agent
    from asyncio_lens._snapshot import Collector
    from asyncio_lens._tracker import Tracker

    tr = Tracker()
    tr.install()
    tr.start_recording()
    agent = Agent(tr, Collector(tr), blocked_threshold=0)
    agent.start()

    async def leaf(ev):
        await ev.wait()

    async def chain(ev, depth=4):
        if depth == 1:
            return await leaf(ev)
        return await chain(ev, depth - 1)

    async def main():
        ev = asyncio.Event()
        tasks = [asyncio.create_task(chain(ev)) for _ in range(10_000)]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        for _ in range(collections):
            agent.collector.collect(yield_gil=False)
        ev.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())


def _count(*args):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, "--child"] + [str(a) for a in args],
                         env=dict(os.environ, PYTHONHASHSEED="0"), capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def main():
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, RUNTIME)
        what = sys.argv[2]
        if what == "churn":
            _churn(int(sys.argv[3]), sys.argv[4] == "tracked")
        else:
            _snapshot(int(sys.argv[3]))
        return
    version = "%d.%d.%d" % sys.version_info[:3]
    plain = (_count("churn", 30_000, "plain") - _count("churn", 10_000, "plain")) / 20_000
    tracked = (_count("churn", 30_000, "tracked") - _count("churn", 10_000, "tracked")) / 20_000
    none, one, two = (_count("snapshot", k) for k in (0, 1, 2))
    print("| Python | churn: plain | tracked | ratio | snapshot: first collection | repeat |")
    print("|---|---|---|---|---|---|")
    print("| %s | %.0f | %.0f | %.2f× | %.0f | %.0f |" % (
        version, plain, tracked, tracked / plain, (one - none) / 10_000, (two - one) / 10_000))


if __name__ == "__main__":
    main()
