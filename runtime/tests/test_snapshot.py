"""Snapshots taken from another thread while real asyncio programs are suspended."""

import asyncio
import json
import sys
import threading

import pytest

from asyncio_lens._protocol import SNAPSHOT_KEYS, TASK_KEYS, TASK_STATES
from asyncio_lens._agent import Agent
from asyncio_lens._graph import native_edges
from asyncio_lens._snapshot import LIVE_INFO, LIVE_KEY, Collector, Differ
from asyncio_lens._tracker import Tracker, task_id

HAS_TG = hasattr(asyncio, "TaskGroup")


@pytest.fixture
def collector():
    tr = Tracker()
    tr.install()
    tr.start_recording()
    agent = Agent(tr, Collector(tr), blocked_threshold=0)  # lock owners, warnings, timing
    agent.start()
    agent.enable_timing()
    yield agent.collector
    agent.close()
    tr.close()


def line():
    return sys._getframe(1).f_lineno


async def snapshot_from_thread(collector):
    """Let every task reach its wait, then snapshot from a worker thread.

    The thread starts only once this task is suspended (a call_soon callback runs
    after the task yields), so no task is running while it reads.
    """
    for _ in range(5):
        await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    suspended = threading.Event()

    def work():
        suspended.wait()
        return collector.snapshot()

    fut = loop.run_in_executor(None, work)
    loop.call_soon(suspended.set)
    return await fut


def by_name(snap, name):
    found = [t for t in snap["tasks"] if t["name"] == name]
    assert len(found) == 1, (name, [t["name"] for t in snap["tasks"]])
    return found[0]


def check_shape(snap):
    assert sorted(snap) == sorted(SNAPSHOT_KEYS)
    json.dumps(snap)  # JSON-serialisable
    for t in snap["tasks"] + snap["history"]:
        assert list(t) == list(TASK_KEYS)
        assert t["state"] in TASK_STATES
        assert isinstance(t["id"], int)
        for frame in t["chain"]:
            assert sorted(frame) == ["file", "line", "name"]


def test_waiting_on_kinds_chain_and_awaited_by(collector):
    lines = {}

    async def sleeper():
        lines["sleep"] = line() + 1
        await asyncio.sleep(30)

    async def sleeper_outer():
        lines["outer"] = line() + 1
        await sleeper()

    async def getter(q):
        await q.get()

    async def putter(q):
        await q.put(2)

    async def locker(lock):
        async with lock:
            pass

    async def event_waiter(ev):
        await ev.wait()

    async def future_waiter(fut):
        await fut

    async def task_waiter(t):
        await t

    async def gatherer(ev):
        await asyncio.gather(event_waiter(ev), event_waiter(ev))

    async def grouped(ev):
        async with asyncio.TaskGroup() as tg:
            tg.create_task(event_waiter(ev), name="g1")
            tg.create_task(event_waiter(ev), name="g2")

    async def threaded(release):
        await asyncio.to_thread(release.wait)

    async def main():
        release = threading.Event()
        ev = asyncio.Event()
        q_empty, q_full = asyncio.Queue(), asyncio.Queue(maxsize=1)
        q_full.put_nowait(1)
        lock = asyncio.Lock()
        await lock.acquire()
        fut = asyncio.get_running_loop().create_future()
        s = asyncio.create_task(sleeper_outer(), name="sleeper")
        tasks = [
            s,
            asyncio.create_task(getter(q_empty), name="getter"),
            asyncio.create_task(putter(q_full), name="putter"),
            asyncio.create_task(locker(lock), name="locker"),
            asyncio.create_task(event_waiter(ev), name="event"),
            asyncio.create_task(future_waiter(fut), name="future"),
            asyncio.create_task(task_waiter(s), name="awaiter"),
            asyncio.create_task(gatherer(ev), name="gatherer"),
            asyncio.create_task(threaded(release), name="threaded"),
        ]
        if HAS_TG:
            tasks.append(asyncio.create_task(grouped(ev), name="grouped"))
        try:
            return await snapshot_from_thread(collector), asyncio.current_task()
        finally:
            release.set()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    snap, me = asyncio.run(main())
    check_shape(snap)
    main_info = by_name(snap, me.get_name())
    assert main_info["state"] == "pending"
    assert main_info["waiting_on"]["kind"] == "thread"

    s = by_name(snap, "sleeper")
    assert s["waiting_on"]["kind"] == "sleep"
    # The time left is not in words (they would go stale): the deadline is, in epoch seconds.
    assert s["waiting_on"]["detail"] == "" and "timeout" not in s["waiting_on"]
    assert 25 < s["waiting_on"]["deadline"] - snap["time"] <= 30
    names = [f["name"] for f in s["chain"]]
    assert names[:2] == ["test_waiting_on_kinds_chain_and_awaited_by.<locals>.sleeper_outer",
                         "test_waiting_on_kinds_chain_and_awaited_by.<locals>.sleeper"]
    assert names[-1] == "sleep"
    assert s["chain"][0] == {"name": names[0], "file": __file__, "line": lines["outer"]}
    assert s["chain"][1]["file"] == __file__ and s["chain"][1]["line"] == lines["sleep"]
    assert s["parent"] == task_id(me)
    assert s["created_at"]["file"] == __file__

    assert by_name(snap, "getter")["waiting_on"]["kind"] == "queue.get"
    assert by_name(snap, "getter")["waiting_on"]["detail"] == "0/\u221e"
    assert by_name(snap, "putter")["waiting_on"]["kind"] == "queue.put"
    assert by_name(snap, "putter")["waiting_on"]["detail"] == "1/1"
    assert by_name(snap, "locker")["waiting_on"]["kind"] == "lock"
    assert by_name(snap, "locker")["waiting_on"]["detail"] == "held by %r" % me.get_name()
    assert by_name(snap, "locker")["waiting_on"]["holder"] == task_id(me)
    assert by_name(snap, "event")["waiting_on"]["kind"] == "event"
    assert by_name(snap, "future")["waiting_on"] == {"kind": "future", "detail": "Future", "tasks": []}
    assert by_name(snap, "event")["waiting_on"]["detail"] == "not set"
    assert by_name(snap, "threaded")["waiting_on"]["kind"] == "thread"

    aw = by_name(snap, "awaiter")
    assert aw["waiting_on"]["kind"] == "task"
    assert aw["waiting_on"]["tasks"] == [s["id"]]
    assert s["awaited_by"] == [aw["id"]]

    g = by_name(snap, "gatherer")
    assert g["waiting_on"]["kind"] == "gather"
    kids = g["waiting_on"]["tasks"]
    assert len(kids) == 2
    for kid in kids:
        k = [t for t in snap["tasks"] if t["id"] == kid][0]
        assert k["parent"] == g["id"]
        assert k["awaited_by"] == [g["id"]]
        assert k["waiting_on"]["kind"] == "event"

    if HAS_TG:
        grp = by_name(snap, "grouped")
        assert grp["waiting_on"]["kind"] == "taskgroup"
        g1, g2 = by_name(snap, "g1"), by_name(snap, "g2")
        assert grp["waiting_on"]["tasks"] == sorted([g1["id"], g2["id"]])
        assert g1["group"] is not None and g1["group"] == g2["group"]
        assert g1["parent"] == grp["id"] and g1["awaited_by"] == [grp["id"]]
        assert grp["group"] is None


def test_running_task_has_no_chain(collector):
    async def main():
        result = {}
        t = threading.Thread(target=lambda: result.update(snap=collector.snapshot()))
        t.start()
        t.join()  # blocks the loop: this task is the running one
        return result["snap"], asyncio.current_task()

    snap, me = asyncio.run(main())
    info = by_name(snap, me.get_name())
    assert info["state"] == "running"
    assert info["chain"] == [] and info["waiting_on"] is None


def test_runnable_task(collector):
    async def later():
        await asyncio.sleep(0)

    async def main():
        t = asyncio.create_task(later(), name="not-started")
        snap = collector.snapshot()  # from the loop's own thread, before t ever ran
        await t
        return snap, asyncio.current_task()

    snap, me = asyncio.run(main())
    t = by_name(snap, "not-started")
    assert t["state"] == "pending"
    assert t["waiting_on"] == {"kind": "runnable", "detail": "ready to run", "tasks": []}
    assert t["chain"][0]["name"].endswith("later")
    assert by_name(snap, me.get_name())["state"] == "running"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for makes an inner task only before 3.12")
def test_wait_for_before_312(collector):
    async def main():
        inner_ev = asyncio.Event()
        t = asyncio.create_task(asyncio.wait_for(inner_ev.wait(), 60), name="wf")
        try:
            return await snapshot_from_thread(collector)
        finally:
            t.cancel()
            await asyncio.gather(t, return_exceptions=True)

    snap = asyncio.run(main())
    wf = by_name(snap, "wf")
    assert wf["waiting_on"]["kind"] == "wait_for"
    # wait_for's own timeout (3.10/3.11: its timer handle; 3.12+: the asyncio.timeout it uses) counts down
    assert 55 < wf["waiting_on"]["timeout"] - snap["time"] <= 60
    assert wf["waiting_on"]["deadline"] == wf["waiting_on"]["timeout"]
    inner = [t for t in snap["tasks"] if t["id"] in wf["waiting_on"]["tasks"]]
    assert len(inner) == 1 and inner[0]["waiting_on"]["kind"] == "event"
    assert inner[0]["awaited_by"] == [wf["id"]]


def test_asyncio_wait_and_async_generators(collector):
    async def agen(ev):
        await ev.wait()
        yield 1

    async def consume(ev):
        async for _ in agen(ev):
            pass

    async def waiter(ev):
        t1 = asyncio.ensure_future(ev.wait())
        await asyncio.wait([t1])

    async def main():
        ev = asyncio.Event()
        a = asyncio.create_task(consume(ev), name="consumer")
        w = asyncio.create_task(waiter(ev), name="waiter")
        try:
            return await snapshot_from_thread(collector)
        finally:
            ev.set()
            await asyncio.gather(a, w)

    snap = asyncio.run(main())
    c = by_name(snap, "consumer")
    assert [f["name"].rsplit(".", 1)[-1] for f in c["chain"]] == ["consume", "agen", "wait"]
    assert c["waiting_on"]["kind"] == "event"
    w = by_name(snap, "waiter")
    assert w["waiting_on"]["kind"] == "wait"
    assert len(w["waiting_on"]["tasks"]) == 1


def test_deep_chain_is_trimmed_at_both_ends(collector):
    async def nest(n, ev):
        if n == 0:
            await ev.wait()
        else:
            await nest(n - 1, ev)

    async def main():
        ev = asyncio.Event()
        t = asyncio.create_task(nest(400, ev), name="deep")
        try:
            return await snapshot_from_thread(collector)
        finally:
            ev.set()
            await t

    snap = asyncio.run(main())
    d = by_name(snap, "deep")
    assert len(d["chain"]) == 200
    assert d["chain"][-1]["name"] == "Event.wait"
    assert d["waiting_on"]["kind"] == "event"


def test_differ_sends_only_changes():
    tr = Tracker()
    tr.install()
    tr.start_recording()
    col = Collector(tr)
    differ = Differ()
    try:
        async def main():
            ev = asyncio.Event()
            step = asyncio.Event()

            async def sleeper():
                await asyncio.sleep(60)

            async def stepper():
                await step.wait()
                await ev.wait()

            s = asyncio.create_task(sleeper(), name="s")
            st = asyncio.create_task(stepper(), name="st")
            await asyncio.sleep(0)
            out = []
            live, fin = await asyncio.to_thread(col.collect)
            out.append(differ.diff(live, fin, reset=True))
            live, fin = await asyncio.to_thread(col.collect)
            out.append(differ.diff(live, fin))  # only the main task's wait changed
            step.set()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            live, fin = await asyncio.to_thread(col.collect)
            out.append(differ.diff(live, fin))
            s.cancel()
            await asyncio.gather(s, return_exceptions=True)
            del s
            live, fin = await asyncio.to_thread(col.collect)
            out.append(differ.diff(live, fin))
            ev.set()
            await st
            return out

        first, second, third, fourth = asyncio.run(main())
        assert {t["name"] for t in first[0]} >= {"s", "st"}
        assert first[1] == []
        assert all(t["name"] not in ("s", "st") for t in second[0])
        assert [t["name"] for t in third[0] if t["name"] in ("s", "st")] == ["st"]
        assert [(t["name"], t["state"]) for t in fourth[1]] == [("s", "cancelled")]
        assert all(t["name"] != "s" for t in fourth[0])
    finally:
        tr.close()


def test_collecting_while_the_loop_churns(collector):
    """A snapshot thread racing a loop that creates and finishes tasks."""
    stop = threading.Event()
    errors = []
    count = [0]

    def snapper():
        while not stop.is_set():
            try:
                json.dumps(collector.snapshot())
                count[0] += 1
            except Exception as exc:  # pragma: no cover - the test fails on it
                errors.append(exc)

    async def work(i):
        await asyncio.sleep(0)
        if i % 7 == 0:
            raise ValueError(i)
        return i

    async def main():
        th = threading.Thread(target=snapper)
        th.start()
        try:
            for _ in range(30):
                await asyncio.gather(*(work(i) for i in range(200)), return_exceptions=True)
        finally:
            stop.set()
            await asyncio.to_thread(th.join)

    asyncio.run(main())
    assert errors == []
    assert count[0] >= 1
    assert collector.tracker.faults == 0


@pytest.mark.skipif(not HAS_TG, reason="TaskGroup is new in Python 3.11")
def test_cached_infos_follow_the_tasks(collector):
    """Infos are reused while a task waits on the same future; any move is seen."""
    lines = {}

    async def mover(q, ev):
        for _ in range(3):
            lines["get"] = line() + 1
            await q.get()
            lines["wait"] = line() + 1
            await ev.wait()
            ev.clear()

    async def short(ev):
        await ev.wait()

    async def long(ev):
        await ev.wait()

    async def grouped(e1, e2):
        async with asyncio.TaskGroup() as tg:
            tg.create_task(short(e1), name="short")
            tg.create_task(long(e2), name="long")

    async def settle():
        for _ in range(5):
            await asyncio.sleep(0)

    def pairs(live, finished):
        # Entries are kept (and updated) for the next collection: copy what they say now.
        return [(e[LIVE_INFO], e[LIVE_KEY]) for e in live], finished

    async def main():
        q, ev, e1, e2 = asyncio.Queue(), asyncio.Event(), asyncio.Event(), asyncio.Event()
        m = asyncio.create_task(mover(q, ev), name="mover")
        g = asyncio.create_task(grouped(e1, e2), name="grouped")
        seen = []
        for step in range(3):
            await settle()
            seen.append(pairs(*await asyncio.to_thread(collector.collect)))
            q.put_nowait(step)
            await settle()
            seen.append(pairs(*await asyncio.to_thread(collector.collect)))
            ev.set()
        e1.set()
        await settle()
        seen.append(pairs(*await asyncio.to_thread(collector.collect)))
        e2.set()
        await asyncio.gather(m, g)
        return seen

    seen = asyncio.run(main())

    def info(collected, name):
        return [i for i, _k in collected[0] if i["name"] == name][0]

    for n, collected in enumerate(seen[:6]):
        mv = info(collected, "mover")
        expected = lines["get"] if n % 2 == 0 else lines["wait"]
        assert mv["chain"][0]["line"] == expected, n
        assert mv["waiting_on"]["kind"] == ("queue.get" if n % 2 == 0 else "event")
    # The key without the step count (which grows with every move) names the place.
    keys = [[k[0][:-1] for i, k in c[0] if i["name"] == "mover"][0] for c in seen[:6]]
    assert keys[0] == keys[2] == keys[4] and keys[1] == keys[3] == keys[5] and keys[0] != keys[1]
    before, after = info(seen[0], "grouped"), info(seen[6], "grouped")
    assert len(before["waiting_on"]["tasks"]) == 2
    assert after["waiting_on"]["tasks"] == [info(seen[6], "long")["id"]]
    finished = [i["name"] for i in seen[6][1]]
    assert "short" in finished and "long" not in finished
    assert all("short" not in [i["name"] for i in c[1]] for c in seen[:6])


def test_hostile_tasks_do_not_break_snapshots(collector):
    """A program's Task subclass whose methods raise: the snapshot still comes out."""

    class Hostile(asyncio.Task):
        def get_name(self):
            raise RuntimeError("no name")

        def __repr__(self):
            raise RuntimeError("no repr")

    class Weird(Exception):
        def __str__(self):
            return "x" * 100000

    async def fails():
        raise Weird()

    async def waits(ev):
        await ev.wait()

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_task_factory(lambda loop, coro, **kw: Hostile(coro, loop=loop, **kw))
        ev = asyncio.Event()
        w = asyncio.create_task(waits(ev))
        f = asyncio.create_task(fails())
        await asyncio.sleep(0)
        snap = await snapshot_from_thread(collector)
        ev.set()
        await w
        await asyncio.gather(f, return_exceptions=True)
        return snap, w, f

    snap, w, f = asyncio.run(main())
    check_shape(snap)
    ids = {t["id"]: t for t in snap["tasks"]}
    assert ids[task_id(w)]["name"] == "" and ids[task_id(w)]["waiting_on"]["kind"] == "event"
    failed = [t for t in snap["tasks"] + snap["history"] if t["id"] == task_id(f)]
    assert failed and failed[0]["state"] == "failed" and len(failed[0]["exception"]) == 500
    assert collector.tracker.faults == 0


def test_asyncio_own_awaited_by_edges_are_taken_where_tasks_carry_them(collector):
    """3.14's asyncio records who awaits a future in ``future._asyncio_awaited_by`` (a set of
    tasks, or None). A Task subclass carries the attribute the way 3.14's Future does (so
    the test runs on every version), and an edge is put there that the wait
    classification cannot see (the waiter waits on an Event)."""

    class AwaitedTask(asyncio.Task):
        _asyncio_awaited_by = None  # 3.14: None until some task awaits the future

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_task_factory(lambda loop, coro, **kw: AwaitedTask(coro, loop=loop, **kw))
        ev = asyncio.Event()
        watched = asyncio.create_task(ev.wait(), name="watched")
        watcher = asyncio.create_task(ev.wait(), name="watcher")
        async def await_it(task):
            await task

        awaiter = asyncio.create_task(await_it(watched), name="awaiter")  # an inferred edge
        for _ in range(3):
            await asyncio.sleep(0)
        def awaited_by():
            live, _finished = collector.collect()
            return {e[LIVE_INFO]["name"]: list(e[LIVE_INFO]["awaited_by"]) for e in live}

        before = await asyncio.to_thread(awaited_by)
        watched._asyncio_awaited_by = {watcher}
        after = await asyncio.to_thread(awaited_by)
        ev.set()
        await asyncio.gather(watched, watcher, awaiter)
        ids = {t.get_name(): task_id(t) for t in (watched, watcher, awaiter)}
        return ids, (before, after)

    ids, (before, after) = asyncio.run(main())
    assert before["watched"] == [ids["awaiter"]]  # inferred only: no native edge yet
    assert after["watched"] == sorted([ids["watcher"], ids["awaiter"]])  # asyncio's edge added
    assert after["watcher"] == [] and after["awaiter"] == []
    assert native_edges(object()) is None  # a type without the attribute: no lookup per object


def test_awaited_by_and_shielded_follow_the_awaiters_while_the_awaited_entries_are_reused(collector):
    """The awaited tasks stay on the same wait (their entries are reused from the cache)
    while the tasks that await them go away: their awaited_by, shielded and diff key
    must change all the same."""

    async def main():
        ev = asyncio.Event()
        inner = asyncio.create_task(ev.wait(), name="inner")
        guarded = asyncio.create_task(ev.wait(), name="guarded")

        async def await_it():
            await asyncio.wait([inner])  # its cancel does not reach inner

        async def shield_it():
            await asyncio.shield(guarded)

        awaiter = asyncio.create_task(await_it(), name="awaiter")
        shielder = asyncio.create_task(shield_it(), name="shielder")
        for _ in range(3):
            await asyncio.sleep(0)

        def view():
            live, _finished = collector.collect()
            return {e[LIVE_INFO]["name"]: (list(e[LIVE_INFO]["awaited_by"]), e[LIVE_INFO]["shielded"], e[LIVE_KEY])
                    for e in live}

        before = await asyncio.to_thread(view)
        repeat = await asyncio.to_thread(view)  # nothing moved: the same, from the cache
        for t in (awaiter, shielder):
            t.cancel()
        await asyncio.gather(awaiter, shielder, return_exceptions=True)
        after = await asyncio.to_thread(view)
        again = await asyncio.to_thread(view)
        ev.set()
        await asyncio.gather(inner, guarded)
        return task_id(awaiter), task_id(shielder), before, repeat, after, again

    awaiter_id, shielder_id, before, repeat, after, again = asyncio.run(main())
    assert before["inner"][:2] == ([awaiter_id], False)
    assert before["guarded"][:2] == ([shielder_id], True)
    for name in ("inner", "guarded", "awaiter", "shielder"):
        assert repeat[name] == before[name], name
    assert after["inner"][:2] == ([], False) and after["guarded"][:2] == ([], False)
    assert after["inner"][2] != before["inner"][2] and after["guarded"][2] != before["guarded"][2]
    assert again["inner"] == after["inner"] and again["guarded"] == after["guarded"]  # no change: same keys
    assert "awaiter" not in after and "shielder" not in after
    assert collector.tracker.faults == 0


@pytest.mark.skipif(sys.version_info < (3, 14), reason="asyncio.capture_call_graph is new in 3.14")
def test_awaited_by_agrees_with_capture_call_graph(collector):
    """Every kind of wait that makes one task await another: our awaited_by edges are the
    ones asyncio's own call graph (3.14+) gives, task for task."""

    async def leaf(ev):
        await ev.wait()

    async def await_task(t):
        await t

    async def main():
        ev = asyncio.Event()
        made = []

        def task(coro, name):
            t = asyncio.create_task(coro, name=name)
            made.append(t)
            return t

        a = task(leaf(ev), "a")
        task(await_task(a), "direct")
        g1, g2 = task(leaf(ev), "g1"), task(leaf(ev), "g2")

        async def gatherer():
            await asyncio.gather(g1, g2)

        async def group():
            async with asyncio.TaskGroup() as tg:
                tg.create_task(leaf(ev), name="tg-child")

        inner = task(leaf(ev), "inner")

        async def shielder():
            await asyncio.shield(inner)

        w, wf, ac = task(leaf(ev), "w-target"), task(leaf(ev), "wf-target"), task(leaf(ev), "ac-target")

        async def waiter():
            await asyncio.wait([w])

        async def wait_for():
            await asyncio.wait_for(wf, 100)

        async def in_timeout():
            async with asyncio.timeout(100):
                await a

        async def as_completed():
            for f in asyncio.as_completed([ac]):
                await f

        for coro, name in ((gatherer(), "gatherer"), (group(), "tg-owner"), (shielder(), "shielder"),
                           (waiter(), "waiter"), (wait_for(), "wait-for"), (in_timeout(), "tmo"),
                           (as_completed(), "as-completed")):
            task(coro, name)
        snap = await snapshot_from_thread(collector)
        names = {t["id"]: t["name"] for t in snap["tasks"]}
        ours = {t["name"]: sorted(names[i] for i in t["awaited_by"]) for t in snap["tasks"]}
        theirs = {t.get_name(): sorted(g.future.get_name() for g in asyncio.capture_call_graph(t).awaited_by)
                  for t in asyncio.all_tasks()}
        ev.set()
        await asyncio.gather(*made)
        return ours, theirs

    ours, theirs = asyncio.run(main())
    assert ours == theirs
    assert theirs["a"] == ["direct", "tmo"] and theirs["tg-child"] == ["tg-owner"]  # the zoo did wait
    assert all(theirs[n] for n in ("g1", "g2", "inner", "w-target", "wf-target", "ac-target"))
