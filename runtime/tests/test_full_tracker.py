"""The full tracker on real asyncio programs: cancellation, figures, classified waits,
awaited-by, cycles, the watchdog, warnings and the tree text."""

import asyncio
import gc
import sys
import threading
import time

import pytest

from asyncio_lens._agent import Agent
from asyncio_lens._render import render_tree
from asyncio_lens._snapshot import Collector
from asyncio_lens._tracker import Tracker, task_id

PY311 = sys.version_info >= (3, 11)
PY312 = sys.version_info >= (3, 12)


@pytest.fixture
def agent():
    tr = Tracker()
    tr.install()
    tr.start_recording()
    a = Agent(tr, Collector(tr), blocked_threshold=0.1)
    a.start()
    a.enable_timing()
    yield a
    a.close()
    tr.close()


def line():
    return sys._getframe(1).f_lineno


async def snap_from_thread(agent):
    for _ in range(5):
        await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    ready = threading.Event()

    def work():
        ready.wait()
        return agent.collector.snapshot()

    fut = loop.run_in_executor(None, work)
    loop.call_soon(ready.set)
    return await fut


def by_name(snap, name, where="tasks"):
    found = [t for t in snap[where] if t["name"] == name]
    assert len(found) == 1, (name, [t["name"] for t in snap[where]])
    return found[0]


async def forever():
    await asyncio.Event().wait()


def test_cancel_by_user_with_message_site_and_requester(agent):
    lines = {}

    async def main():
        t = asyncio.create_task(forever(), name="victim")
        await asyncio.sleep(0)
        lines["cancel"] = line() + 1
        t.cancel("enough")
        snap = agent.collector.snapshot()  # from the loop thread: the request is visible at once
        await asyncio.gather(t, return_exceptions=True)
        return snap, task_id(asyncio.current_task())

    snap, me = asyncio.run(main())
    c = by_name(snap, "victim")["cancel"]
    assert c["via"] == "user" and c["by_task"] == me and c["message"] == "enough"
    assert c["site"] == {"file": __file__, "line": lines["cancel"]}
    assert c["count"] == 1 and c["requested"] > 1e9
    gc.collect()
    hist = by_name(agent.collector.snapshot(), "victim", "history")
    assert hist["state"] == "cancelled" and hist["cancel"]["message"] == "enough"


def test_cancel_mechanisms(agent):
    async def fail_soon():
        await asyncio.sleep(0)
        raise ValueError("x")

    async def main():
        vias = {}
        # gather: cancelling the outer future cancels the children
        g1 = asyncio.ensure_future(forever())
        g = asyncio.gather(g1)
        await asyncio.sleep(0)
        g.cancel()
        await asyncio.gather(g, return_exceptions=True)
        vias["gather"] = g1._lens_cancel[3]
        # parent cascade: cancelling a task that awaits another task
        child = asyncio.create_task(forever())

        async def parent():
            await child

        p = asyncio.create_task(parent())
        await asyncio.sleep(0)
        p.cancel()
        await asyncio.gather(p, child, return_exceptions=True)
        vias["parent"] = child._lens_cancel[3]
        vias["by_parent"] = child._lens_cancel[2]
        # wait_for timeout
        inner = []

        async def slow():
            inner.append(asyncio.current_task())
            await asyncio.sleep(10)

        try:
            await asyncio.wait_for(slow(), 0.01)
        except asyncio.TimeoutError:
            pass
        vias["wait_for"] = inner[0]._lens_cancel[3]
        if PY311:
            sib = []

            async def sibling():
                sib.append(asyncio.current_task())
                await asyncio.sleep(10)

            try:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(sibling())
                    tg.create_task(fail_soon())
            except BaseException:  # noqa: BLE001 - the ExceptionGroup
                pass
            vias["taskgroup"] = sib[0]._lens_cancel[3]
            me = asyncio.current_task()
            vias["tg_parent_count"] = me.cancelling()
            try:
                async with asyncio.timeout(0.01):
                    await asyncio.sleep(10)
            except TimeoutError:
                pass
            vias["timeout"] = me._lens_cancel[3]
            vias["uncancels"] = me._lens_cancel[6]
        vias["snap"] = agent.collector.snapshot()
        vias["me"] = task_id(asyncio.current_task())
        return vias

    v = asyncio.run(main())
    assert v["gather"] == "gather"
    assert v["parent"] == "parent" and v["by_parent"] == v["me"]  # main called p.cancel()
    assert v["wait_for"] == ("timeout" if PY312 else "wait_for")
    if PY311:
        assert v["taskgroup"] == "taskgroup"
        assert v["timeout"] == "timeout" and v["uncancels"] >= 1
        me = [t for t in v["snap"]["tasks"] if t["id"] == v["me"]][0]
        # The 3.11/3.12 quirk: cancelling() may stay 1 after the group; never shown as > 0.
        assert me["cancel"]["count"] == 0


def test_steps_busy_time_and_timestamps(agent):
    async def worker():
        for _ in range(3):
            await asyncio.sleep(0)
        time.sleep(0.02)

    async def main():
        t0 = time.time()
        t = asyncio.create_task(worker(), name="w")
        await t
        return t0

    t0 = asyncio.run(main())
    gc.collect()
    h = by_name(agent.collector.snapshot(), "w", "history")
    assert h["steps"] == 4
    assert h["busy_ms"] >= 15
    assert t0 - 1 <= h["created"] <= h["first_run"] <= h["finished"] <= time.time() + 1
    assert h["finished"] - h["first_run"] >= 0.015


@pytest.mark.skipif(not PY312, reason="eager tasks are new in 3.12")
def test_eager_tasks_are_counted(agent):
    async def quick():
        return 1

    async def slow():
        await asyncio.sleep(0)

    async def main():
        asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
        a = asyncio.create_task(quick(), name="sync")
        b = asyncio.create_task(slow(), name="async")
        await b
        return a, b

    a, b = asyncio.run(main())
    assert a._lens_steps == 1 and b._lens_steps == 2


@pytest.mark.skipif(not PY311, reason="asyncio.timeout is new in 3.11")
def test_timeout_shield_and_thread_waits(agent):
    release = threading.Event()

    def blocking():
        release.wait(10)

    async def in_timeout(ev):
        async with asyncio.timeout(30):
            await ev.wait()

    async def fut_in_timeout():
        async with asyncio.timeout(20):
            await asyncio.get_running_loop().create_future()

    async def shielder(inner):
        await asyncio.shield(inner)

    async def threaded():
        await asyncio.to_thread(blocking)

    async def main():
        ev = asyncio.Event()
        inner = asyncio.create_task(forever(), name="inner")
        ts = [asyncio.create_task(in_timeout(ev), name="tmo"),
              asyncio.create_task(fut_in_timeout(), name="tmo-fut"),
              asyncio.create_task(shielder(inner), name="shielder"),
              asyncio.create_task(threaded(), name="threaded"), inner]
        await asyncio.sleep(0.05)
        try:
            return await snap_from_thread(agent)
        finally:
            release.set()
            for t in ts:
                t.cancel()
            await asyncio.gather(*ts, return_exceptions=True)

    snap = asyncio.run(main())
    tmo = by_name(snap, "tmo")["waiting_on"]
    assert tmo["kind"] == "event" and tmo["detail"] == "not set"
    assert abs(tmo["deadline"] - (snap["time"] + 30)) < 2 and tmo["timeout"] == tmo["deadline"]
    tf = by_name(snap, "tmo-fut")["waiting_on"]
    assert tf["kind"] == "timeout" and tf["detail"] == "" and tf["timeout"] > snap["time"]
    sh, inner = by_name(snap, "shielder"), by_name(snap, "inner")
    assert sh["waiting_on"]["kind"] == "shield" and sh["waiting_on"]["tasks"] == [inner["id"]]
    assert sh["waiting_on"]["detail"] == "'inner'"
    assert inner["shielded"] is True and inner["awaited_by"] == [sh["id"]]
    th = by_name(snap, "threaded")["waiting_on"]
    assert th["kind"] == "thread" and th["thread"].startswith("asyncio_")
    assert th["work"] == "test_timeout_shield_and_thread_waits.<locals>.blocking"
    assert th["work_state"] == "running"
    assert "blocking" in th["detail"] and any(f["name"] == "blocking" for f in th["stack"])


def _snap_holding_the_loop(agent):
    """A snapshot taken from another thread while the loop thread waits for it (the loop
    cannot run, as while the debugger holds it)."""
    out = []
    t = threading.Thread(target=lambda: out.append(agent.collector.snapshot()))
    t.start()
    t.join()
    return out[0]


def test_a_worker_that_finished_while_the_loop_was_held_is_done_not_queued(agent):
    """to_thread(time.sleep, ...) runs library code only, which the debugger never stops: it
    returns while the program is paused, and the loop has not taken the result yet. The wait
    still names its thread and says the work is done (it said "queued for a worker thread")."""
    async def main():
        task = asyncio.create_task(asyncio.to_thread(time.sleep, 0.2), name="threaded")
        await asyncio.sleep(0.05)
        running = _snap_holding_the_loop(agent)
        deadline = time.monotonic() + 10
        while True:  # the loop stays held until the worker's time.sleep is over
            held = _snap_holding_the_loop(agent)
            if by_name(held, "threaded")["waiting_on"].get("work_state") != "running" or time.monotonic() > deadline:
                break
        await task
        return running, held

    running, held = asyncio.run(main())
    before, after = by_name(running, "threaded")["waiting_on"], by_name(held, "threaded")["waiting_on"]
    assert before["kind"] == "thread" and before["work_state"] == "running" and before["work"] == "sleep"
    assert before["thread"].startswith("asyncio_")
    assert after["work_state"] == "done", after
    assert after["thread"] == before["thread"] and after["work"] == "sleep"
    assert "queued" not in after["detail"] and after["detail"] == "%r finished sleep()" % before["thread"]


def test_a_worker_held_in_the_agent_shows_the_program_frames_only(agent):
    """A worker thread the debugger parks is inside the agent's own frames: they are not the
    program's, and the wait says where the program is (it said "in _park_loop (_engine.py)")."""
    from asyncio_lens import _tracker
    agent_code = compile("def park(ev):\n    ev.wait(10)\n", _tracker._RUNTIME_DIR + "_parking.py", "exec")
    scope = {}
    exec(agent_code, scope)
    release = threading.Event()

    def blocking():
        scope["park"](release)

    async def main():
        task = asyncio.create_task(asyncio.to_thread(blocking), name="threaded")
        await asyncio.sleep(0.05)
        try:
            return await snap_from_thread(agent)
        finally:
            release.set()
            await task

    w = by_name(asyncio.run(main()), "threaded")["waiting_on"]
    assert [f["name"] for f in w["stack"]][-1] == "blocking", w["stack"]
    assert " in blocking (" in w["detail"] and "park" not in w["detail"]


def test_lock_holder_and_lock_order_deadlock_is_a_cycle(agent):
    async def take(first, second, ev):
        async with first:
            await ev.wait()
            async with second:
                pass

    async def main():
        l1, l2, ev = asyncio.Lock(), asyncio.Lock(), asyncio.Event()
        a = asyncio.create_task(take(l1, l2, ev), name="A")
        b = asyncio.create_task(take(l2, l1, ev), name="B")
        await asyncio.sleep(0)
        ev.set()
        snap = await snap_from_thread(agent)
        a.cancel()
        b.cancel()
        await asyncio.gather(a, b, return_exceptions=True)
        return snap

    snap = asyncio.run(main())
    a, b = by_name(snap, "A"), by_name(snap, "B")
    assert a["waiting_on"] == {"kind": "lock", "detail": "held by 'B'", "tasks": [b["id"]], "holder": b["id"]}
    assert b["waiting_on"]["detail"] == "held by 'A'"
    assert a["awaited_by"] == [] and b["awaited_by"] == []  # waiting for a holder is no await
    assert snap["cycles"] == [sorted([a["id"], b["id"]])]
    assert [w["kind"] for w in snap["warnings"]] == ["await_cycle"]
    # the warning names the cycle's tasks, so a client shows it once with its tasks under it
    assert snap["warnings"][0]["tasks"] == snap["cycles"][0]
    assert all(f["file"] != __file__.replace("test_full_tracker", "_locks") for f in a["chain"])
    assert "acquire" in a["chain"][-1]["name"]


def test_two_tasks_awaiting_each_other_is_a_cycle(agent):
    holder = {}

    async def first():
        await asyncio.sleep(0)
        await holder["b"]

    async def second():
        await asyncio.sleep(0)
        await holder["a"]

    async def main():
        holder["a"] = asyncio.create_task(first(), name="a")
        holder["b"] = asyncio.create_task(second(), name="b")
        return await snap_from_thread(agent)

    # Neither can ever finish, and cancelling one recurses forever (in plain asyncio
    # too): close the loop with both pending, as a deadlocked program would end.
    import contextlib
    import io
    loop = asyncio.new_event_loop()
    snap = loop.run_until_complete(main())
    with contextlib.redirect_stderr(io.StringIO()):
        loop.close()
        holder.clear()
        gc.collect()
    a, b = by_name(snap, "a"), by_name(snap, "b")
    assert a["waiting_on"]["kind"] == "task" and a["waiting_on"]["detail"] == "'b'"
    assert a["awaited_by"] == [b["id"]] and b["awaited_by"] == [a["id"]]
    assert snap["cycles"] == [[min(a["id"], b["id"]), max(a["id"], b["id"])]]
    text = render_tree(snap)
    assert "AWAIT CYCLE (deadlock)" in text
    assert sorted(w["task_name"] for w in agent.warnings.drain_new() if w["kind"] == "destroyed_pending") == ["a", "b"]


def test_more_primitives(agent):
    async def main():
        sem = asyncio.Semaphore(0)
        cond = asyncio.Condition()
        q = asyncio.Queue()
        q.put_nowait(1)
        ts = []

        async def on_sem():
            await sem.acquire()

        async def on_cond():
            async with cond:
                await cond.wait()

        async def joiner():
            await q.join()

        async def waiter(fs):
            await asyncio.wait(fs, return_when=asyncio.FIRST_COMPLETED)

        async def completer(fs):
            for f in asyncio.as_completed(fs):
                await f

        slow = [asyncio.create_task(forever(), name="slow%d" % i) for i in range(2)]
        ts += [asyncio.create_task(on_sem(), name="sem"), asyncio.create_task(on_cond(), name="cond"),
               asyncio.create_task(joiner(), name="join"), asyncio.create_task(waiter(slow), name="wait"),
               asyncio.create_task(completer(slow), name="ascomp")]
        if PY311:
            b = asyncio.Barrier(3)

            async def at_barrier():
                await b.wait()

            ts.append(asyncio.create_task(at_barrier(), name="barrier"))
        try:
            return await snap_from_thread(agent)
        finally:
            for t in ts + slow:
                t.cancel()
            await asyncio.gather(*ts, *slow, return_exceptions=True)

    snap = asyncio.run(main())
    kinds = {n: by_name(snap, n)["waiting_on"] for n in ("sem", "cond", "join", "wait", "ascomp")}
    assert kinds["sem"]["kind"] == "semaphore" and kinds["sem"]["detail"] == "none free"
    assert kinds["cond"]["kind"] == "condition"
    assert kinds["join"]["kind"] == "queue.join" and kinds["join"]["detail"] == "1 item unfinished"
    assert kinds["wait"]["kind"] == "wait" and kinds["wait"]["detail"] == "0/2 done, FIRST_COMPLETED"
    assert len(kinds["wait"]["tasks"]) == 2
    assert kinds["ascomp"]["kind"] == "as_completed"
    if PY311:
        assert by_name(snap, "barrier")["waiting_on"] == {"kind": "barrier", "detail": "1/3 arrived", "tasks": []}


def test_watchdog_reports_blocked_and_unblocked(agent):
    events = []
    agent.listen(lambda m, p: events.append((m, p)))

    def burn():
        time.sleep(0.4)  # @block

    async def culprit():
        burn()

    async def main():
        await asyncio.sleep(0.1)
        await asyncio.create_task(culprit(), name="culprit")
        await asyncio.sleep(0.1)

    asyncio.run(main())
    methods = [m for m, _p in events]
    assert methods == ["loop/blocked", "loop/unblocked"], methods
    blocked, unblocked = events[0][1], events[1][1]
    assert blocked["task_name"] == "culprit" and blocked["threshold_ms"] == 100
    assert blocked["stack"][-1]["name"].endswith("burn") and blocked["stack"][-1]["file"] == __file__
    assert blocked["thread"] == threading.current_thread().name
    assert 300 <= unblocked["duration_ms"] <= 2000 and unblocked["since"] == blocked["since"]
    ws = agent.warnings.snapshot()
    assert ws[-1]["kind"] == "blocked_loop" and "culprit" in ws[-1]["message"]


def test_warning_for_an_exception_never_retrieved(agent):
    async def boom():
        raise RuntimeError("lost")

    async def main():
        t = asyncio.create_task(boom(), name="lost")
        await asyncio.sleep(0.01)
        tid = task_id(t)
        del t
        return tid

    import io
    import contextlib
    agent.warnings.drain_new()
    with contextlib.redirect_stderr(io.StringIO()):
        tid = asyncio.run(main())
        gc.collect()
    ws = agent.warnings.drain_new()
    assert [(w["kind"], w["task"], w["task_name"]) for w in ws] == [("exception_never_retrieved", tid, "lost")]
    assert ws[0]["message"].endswith("RuntimeError: lost")


@pytest.mark.skipif(not PY311, reason="TaskGroup is new in 3.11")
def test_tree_text_shows_groups_chains_and_cancel_marks(agent):
    async def child(ev):
        await ev.wait()

    async def main():
        ev = asyncio.Event()
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child(ev), name="kid-1")
            k2 = tg.create_task(child(ev), name="kid-2")
            await asyncio.sleep(0)
            k2.cancel("nope")
            snap = agent.collector.snapshot()
            ev.set()
        return snap

    text = render_tree(asyncio.run(main()), elapsed=1.5)
    assert text.startswith("asyncio-lens snapshot at 1.50 s")
    assert "TaskGroup #" in text and "'kid-1' test_tree_text_shows_groups_chains_and_cancel_marks.<locals>.child()" in text
    assert "cancel requested via user" in text and "('nope')" in text
    assert "at test_tree_text_shows_groups_chains_and_cancel_marks.<locals>.child (" in text


def test_uvloop_tasks_are_tracked(agent):
    uvloop = pytest.importorskip("uvloop")

    async def child():
        await asyncio.sleep(0)

    async def main():
        loop = asyncio.get_running_loop()
        me = asyncio.current_task()
        t = asyncio.create_task(child(), name="uv-child")
        await t
        return type(loop).__module__, task_id(me), t._lens_parent, loop.get_task_factory()

    mod, me, parent, factory = uvloop.run(main()) if hasattr(uvloop, "run") else asyncio.run(main())
    assert mod.startswith("uvloop") and me is not None and parent == me and factory is None
