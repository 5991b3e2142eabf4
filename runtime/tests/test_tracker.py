"""The tracker sees every task, composes with the program's factory and cleans up."""

import asyncio
import gc
import sys
import threading
import weakref
from asyncio import base_events

import pytest

from asyncio_lens import _timing as _timing_mod
from asyncio_lens import _tracker
from asyncio_lens._snapshot import Collector
from asyncio_lens._tracker import LensTask, Tracker, describe_exception, task_id

HAS_TG = hasattr(asyncio, "TaskGroup")


@pytest.fixture
def tracker():
    tr = Tracker()
    tr.install()
    tr.start_recording()
    yield tr
    tr.close()


def line():
    """Line number of the caller's current line."""
    return sys._getframe(1).f_lineno


def site(task):
    return _tracker.resolve_site(_tracker.site_of(task))


async def child(delay=0):
    await asyncio.sleep(delay)
    return delay


def test_every_way_of_creating_a_task_is_tracked(tracker):
    seen = {}

    async def main():
        me = asyncio.current_task()
        seen["main"] = me
        t1, l1 = asyncio.create_task(child(), name="ct"), line()
        t2, l2 = asyncio.ensure_future(child()), line()
        t3, l3 = asyncio.get_running_loop().create_task(child()), line()
        g, lg = asyncio.gather(child(), child()), line()
        seen["gather_children"] = list(g._children)
        await asyncio.gather(t1, t2, t3, g)
        s, ls = asyncio.shield(child()), line()
        await s
        seen.update(ct=(t1, l1), ef=(t2, l2), lc=(t3, l3), gl=lg, sh=ls)
        if HAS_TG:
            async with asyncio.TaskGroup() as tg:
                a, la = tg.create_task(child(), name="a"), line()
                b = tg.create_task(child(), name="b")
            async with asyncio.TaskGroup() as tg2:
                c = tg2.create_task(child(), name="c")
            seen.update(a=(a, la), b=b, c=c)

    main_line = line() + 1
    asyncio.run(main())
    me = seen["main"]
    assert isinstance(me, LensTask)
    assert me._lens_parent is None
    assert site(me)["line"] == main_line
    assert site(me)["file"] == __file__
    for key in ("ct", "ef", "lc"):
        t, ln = seen[key]
        assert isinstance(t, LensTask), key
        assert t._lens_parent == task_id(me), key
        assert site(t) == {"file": __file__, "line": ln}, key
        assert t._lens_group is None
    for t in seen["gather_children"]:
        assert isinstance(t, LensTask)
        assert t._lens_parent == task_id(me)
        assert site(t)["line"] == seen["gl"]
    assert seen["ct"][0].get_name() == "ct"
    assert seen["ef"][0].get_name().startswith("Task-")  # also on 3.13.0 (cpython#130033)
    ids = [task_id(t) for t in [me] + [seen[k][0] for k in ("ct", "ef", "lc")]]
    assert len(set(ids)) == len(ids)
    if HAS_TG:
        a, la = seen["a"]
        assert a._lens_group is not None
        assert a._lens_group == seen["b"]._lens_group
        assert seen["c"]._lens_group not in (None, a._lens_group)
        assert a._lens_parent == task_id(me)
        assert site(a) == {"file": __file__, "line": la}


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for makes an inner task only before 3.12")
def test_wait_for_inner_task_is_tracked(tracker):
    inner = []

    async def main():
        async def probe():
            inner.append(asyncio.current_task())
        await asyncio.wait_for(probe(), 5)
        return asyncio.current_task()

    outer = asyncio.run(main())
    assert isinstance(inner[0], LensTask)
    assert inner[0]._lens_parent == task_id(outer)


def test_the_programs_factory_keeps_working(tracker):
    made = []

    class MyTask(asyncio.Task):
        __slots__ = ("mine",)

    def factory(loop, coro, **kwargs):
        t = MyTask(coro, loop=loop, **kwargs)
        made.append(t)
        return t

    async def main():
        loop = asyncio.get_running_loop()
        assert loop.get_task_factory() is None
        loop.set_task_factory(factory)
        assert loop.get_task_factory() is factory
        t = asyncio.create_task(child(), name="mine")
        await t
        await asyncio.gather(child(), child())
        loop.set_task_factory(None)
        assert loop.get_task_factory() is None
        with pytest.raises(TypeError):
            loop.set_task_factory("not callable")
        plain = asyncio.create_task(child())
        await plain
        return asyncio.current_task(), t, plain

    me, t, plain = asyncio.run(main())
    assert len(made) == 3
    assert all(type(x) is MyTask for x in made)
    assert t.get_name() == "mine"
    assert t._lens_parent == task_id(me)
    assert site(t) is not None and site(t)["file"] == __file__
    assert len({task_id(x) for x in made}) == 3
    assert isinstance(plain, LensTask)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager tasks are new in Python 3.12")
def test_eager_tasks(tracker):
    record = {}

    async def grandchild():
        return 1

    async def eager_child():
        record["grandchild"], record["gl"] = asyncio.create_task(grandchild()), line()  # in the eager step
        record["child"] = asyncio.current_task()
        await asyncio.sleep(0)

    async def fails_at_once():
        raise KeyError("eager")

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_task_factory(asyncio.eager_task_factory)
        assert loop.get_task_factory() is asyncio.eager_task_factory
        t, record["cl"] = asyncio.create_task(eager_child()), line()
        f = asyncio.create_task(fails_at_once(), name="fails")
        async with asyncio.TaskGroup() as tg:
            a, record["al"] = tg.create_task(grandchild()), line()
            b = tg.create_task(child())
        record["grouped"] = (a, b)
        assert f.done()
        record["fails_id"] = task_id(f)
        f.exception()
        del f
        await t
        return asyncio.current_task()

    me = asyncio.run(main())
    assert isinstance(record["child"], LensTask)
    assert record["child"]._lens_parent == task_id(me)
    assert record["grandchild"]._lens_parent == task_id(record["child"])
    assert site(record["child"]) == {"file": __file__, "line": record["cl"]}
    assert site(record["grandchild"]) == {"file": __file__, "line": record["gl"]}
    a, b = record["grouped"]
    assert a._lens_group is not None and a._lens_group == b._lens_group
    assert site(a) == {"file": __file__, "line": record["al"]}
    assert a._lens_parent == task_id(me) and a._lens_coro == "test_eager_tasks.<locals>.grandchild"
    gc.collect()
    dead = {r[0]: r for r in tracker.drain_deaths()}
    assert dead[record["fails_id"]][2] == "failed"
    assert dead[record["fails_id"]][7] == "KeyError: 'eager'"


def test_close_restores_everything():
    cls = base_events.BaseEventLoop
    before = (cls.__init__, cls.set_task_factory, cls.get_task_factory, cls.create_task)
    tr = Tracker()
    tr.install()
    assert cls.__init__ is not before[0]
    assert (cls.create_task is not before[3]) == (sys.version_info[:3] < (3, 13, 3))
    loop = asyncio.new_event_loop()
    try:
        assert loop.get_task_factory() is None
        assert loop._task_factory is not None  # ours
        tr.close()
        assert (cls.__init__, cls.set_task_factory, cls.get_task_factory, cls.create_task) == before
        assert loop._task_factory is None
        assert "_asyncio_lens_user_factory" not in loop.__dict__
    finally:
        loop.close()
    tr.close()  # twice is fine


def test_no_strong_references_to_tasks_or_coroutines(tracker):
    refs = []

    async def main():
        tasks = [asyncio.create_task(child()) for _ in range(20)]
        refs.extend(weakref.ref(t) for t in tasks)
        refs.extend(weakref.ref(t._coro) for t in tasks)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    col = Collector(tracker)
    col.snapshot()
    gc.collect()
    assert all(r() is None for r in refs)


def test_finished_tasks_are_recorded_as_plain_data(tracker):
    async def boom():
        await asyncio.sleep(0)
        raise ValueError("x" * 2000)

    async def main():
        t = asyncio.create_task(boom(), name="boom")
        c = asyncio.create_task(child(10), name="cancelled")
        await asyncio.sleep(0)
        c.cancel()
        await asyncio.gather(t, c, return_exceptions=True)

    asyncio.run(main())
    gc.collect()
    col = Collector(tracker)
    snap = col.snapshot()
    hist = {h["name"]: h for h in snap["history"]}
    assert hist["boom"]["state"] == "failed"
    assert hist["boom"]["exception"].startswith("ValueError: xxx")
    assert len(hist["boom"]["exception"]) <= 500
    assert hist["cancelled"]["state"] == "cancelled"
    assert hist["cancelled"]["exception"] is None
    for h in snap["history"]:
        assert h["chain"] == [] and h["waiting_on"] is None


def test_history_is_bounded():
    tr = Tracker(history_size=5)
    tr.install()
    tr.start_recording()
    try:
        async def fail(i):
            raise RuntimeError(i)

        async def main():
            for i in range(12):
                t = asyncio.create_task(fail(i))
                await asyncio.gather(t, return_exceptions=True)
                del t

        asyncio.run(main())
        gc.collect()
        col = Collector(tr, history_size=5)
        hist = col.snapshot()["history"]
        assert len(hist) == 5
        assert [h["exception"] for h in hist] == ["RuntimeError: %d" % i for i in range(7, 12)]
    finally:
        tr.close()


def test_describe_exception_is_repr_safe():
    class Nasty(Exception):
        def __str__(self):
            raise RuntimeError("no")

    class Huge(Exception):
        pass

    assert describe_exception(Nasty()) == "Nasty: <str() of Nasty failed>"
    assert describe_exception(ValueError()) == "ValueError"
    text = describe_exception(Huge("y" * 10000))
    assert len(text) == 500 and text.startswith("Huge: yyy")


def test_tracking_in_several_threads(tracker):
    results = []

    def run():
        async def main():
            ts = [asyncio.create_task(child()) for _ in range(50)]
            await asyncio.gather(*ts)
            return [task_id(t) for t in ts] + [task_id(asyncio.current_task())]
        results.append(asyncio.run(main()))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_ids = [i for r in results for i in r]
    assert len(all_ids) == 4 * 51
    assert len(set(all_ids)) == len(all_ids)


def _task_freed_while_its_exception_is_kept():
    """True if a failed task is freed at once although its exception (and so the frames
    of its traceback) is kept: asyncio's Handle._run clears its locals for this."""
    refs, kept = [], []

    async def fails():
        await asyncio.sleep(0)
        raise KeyError("lost")

    async def main():
        t = asyncio.create_task(fails())
        refs.append(weakref.ref(t))
        while not t.done():
            await asyncio.sleep(0)
        kept.append(t.exception())
        del t
        await asyncio.sleep(0)
        return refs[0]() is None

    was_enabled = gc.isenabled()
    gc.disable()  # only reference counting frees it, as in plain asyncio
    try:
        return asyncio.run(main())
    finally:
        if was_enabled:
            gc.enable()


def test_the_step_hook_keeps_no_task_alive():
    assert _task_freed_while_its_exception_is_kept()  # plain asyncio
    tr = Tracker()
    tr.install()
    tr.start_recording()  # the hook that records task ends
    try:
        assert _timing_mod.installed() is False
        assert _task_freed_while_its_exception_is_kept()
        _timing_mod.install()  # and the one that times steps
        assert _task_freed_while_its_exception_is_kept()
    finally:
        _timing_mod.uninstall()
        tr.close()


def test_a_task_is_recorded_when_it_finishes_not_when_freed(tracker):
    async def fails():
        await asyncio.sleep(0)
        raise KeyError("early")

    async def main():
        t = asyncio.create_task(fails(), name="kept")
        while not t.done():
            await asyncio.sleep(0)
        # Still referenced here: recorded by the step hook, with no finalizer per task.
        deaths = {r[1]: r for r in tracker.drain_deaths()}
        assert type(t).__del__ is asyncio.Task.__del__
        await asyncio.gather(t, return_exceptions=True)
        return deaths, task_id(t), t

    deaths, tid, t = asyncio.run(main())
    assert deaths["kept"][0] == tid and deaths["kept"][2] == "failed" and deaths["kept"][7] == "KeyError: 'early'"
    assert deaths["kept"][8][4] is not None  # finish time, without step timing
    # Reported once: a later collection that still finds it alive does not repeat it.
    assert [h["name"] for h in Collector(tracker).snapshot()["history"]].count("kept") == 0
    del t


def test_other_builtin_method_callbacks_are_not_task_steps(tracker):
    """The wakeup is a builtin method; so are done callbacks like ``set.discard``."""
    _timing_mod.install()
    try:
        keep = set()

        async def main():
            t = asyncio.create_task(asyncio.sleep(0))
            keep.add(t)
            t.add_done_callback(keep.discard)
            asyncio.get_running_loop().call_soon(keep.add, "other")
            await t
            await asyncio.sleep(0)
            return t

        t = asyncio.run(main())
        assert keep == {"other"}
        assert t._lens_steps == 2  # the first step, and the one after sleep(0)'s yield
    finally:
        _timing_mod.uninstall()


def _names_made():
    """Names of tasks made every way, Task-N numbers relative to the first task's."""
    async def nop():
        return None

    async def main():
        loop = asyncio.get_running_loop()
        ts = [asyncio.create_task(nop()), asyncio.create_task(nop(), name="named"),
              loop.create_task(nop()), loop.create_task(nop(), name=7),
              asyncio.ensure_future(nop())]
        if sys.version_info >= (3, 11):
            ts += [loop.create_task(nop(), context=None), loop.create_task(nop(), name="c", context=None)]
        if HAS_TG:
            async with asyncio.TaskGroup() as tg:
                ts += [tg.create_task(nop(), name="g"), tg.create_task(nop())]
        await asyncio.gather(*ts)
        return [t.get_name() for t in ts]

    names = asyncio.run(main())
    first = int(names[0][len("Task-"):])
    return [("Task+%d" % (int(n[5:]) - first)) if n.startswith("Task-") else n for n in names]


def test_task_names_and_numbers_are_those_of_plain_asyncio():
    orig = base_events.BaseEventLoop.create_task
    plain = _names_made()
    tr = Tracker()
    tr.install()
    try:
        assert _names_made() == plain
        tr.start_recording()
        assert _names_made() == plain
    finally:
        tr.close()
    assert base_events.BaseEventLoop.create_task is orig  # 3.13.0-3.13.2 patch it
    assert _names_made() == plain


def test_a_program_that_puts_another_task_class_in_asyncio_gets_that_class(tracker):
    """CPython's own tests run asyncio with the pure-Python Task and running-loop functions
    put in place of the C ones; asyncio's create_task then makes ``asyncio.tasks.Task`` as
    it is at that moment, and so must our factory (a C Task subclass would fail there with
    "loop ... is not the running loop"). The task is still tracked."""
    from asyncio import events, futures, tasks

    saved = (events._get_running_loop, events._set_running_loop, events.get_running_loop,
             asyncio._get_running_loop, asyncio._set_running_loop, asyncio.get_running_loop,
             asyncio.Task, tasks.Task, asyncio.Future, futures.Future)
    events._get_running_loop = asyncio._get_running_loop = events._py__get_running_loop
    events._set_running_loop = asyncio._set_running_loop = events._py__set_running_loop
    events.get_running_loop = asyncio.get_running_loop = events._py_get_running_loop
    asyncio.Task = tasks.Task = tasks._PyTask
    asyncio.Future = futures.Future = futures._PyFuture
    made = []

    async def main():
        t = asyncio.get_running_loop().create_task(child(), name="py")
        made.append(t)
        return await t

    try:
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(main())
        finally:
            loop.close()
    finally:
        (events._get_running_loop, events._set_running_loop, events.get_running_loop,
         asyncio._get_running_loop, asyncio._set_running_loop, asyncio.get_running_loop,
         asyncio.Task, tasks.Task, asyncio.Future, futures.Future) = saved
    assert result == 0
    assert type(made[0]) is tasks._PyTask and made[0].get_name() == "py"
    assert task_id(made[0]) is not None
