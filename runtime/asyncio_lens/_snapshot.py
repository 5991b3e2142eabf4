"""Task snapshots and deltas, built from any thread.

A :class:`Collector` reads every task from asyncio's own registry (the WeakSet behind
``asyncio.all_tasks``, copied with retries as ``all_tasks`` does), so it also sees tasks
that are done but still referenced. It reads only suspended frames' locals, reads the
task's coroutine through ``task._coro`` (``get_coro()`` crashes on 3.12.1 for finished
eager tasks) and never calls ``task.exception()`` (that would mark the exception as
retrieved). A task's info is a plain JSON-serialisable dict with exactly the keys of
``_protocol.TASK_KEYS``.

A :class:`Differ` turns successive collections into ``tasks/changed`` payloads: only
tasks whose info changed, plus the tasks that finished in between. Sleeping tasks are
compared by deadline, not by the "N s left" text, so a countdown alone is no change.
"""

import asyncio
import collections
import gc
import os
import sys
import time
import types
from asyncio import tasks as _tasks

from . import _tracker
from ._protocol import PROTOCOL_VERSION
from ._tracker import FINISHED_REPORTED, describe_exception, task_id

__all__ = ["Collector", "Differ", "walk_chain", "python_version"]

_PY311 = sys.version_info >= (3, 11)
_CHAIN_KEEP = 100  # frames kept at each end of a very deep chain
_CHAIN_WALK_LIMIT = 100000
_YIELD_EVERY = 200

_CoroutineType = types.CoroutineType
_AsyncGenType = types.AsyncGeneratorType
_GeneratorType = types.GeneratorType
_GatheringFuture = getattr(_tasks, "_GatheringFuture", None)
_Task = asyncio.Task


def python_version():
    return "%d.%d.%d" % sys.version_info[:3]


# -- what a task waits on -------------------------------------------------------------
_WAIT_CODES = {}


def _register(kind, obj, attr=None):
    try:
        fn = getattr(obj, attr) if attr else obj
        _WAIT_CODES[fn.__code__] = kind
    except AttributeError:
        pass


_register("sleep", asyncio, "sleep")
for _attr, _kind in (("get", "queue.get"), ("put", "queue.put"), ("join", "queue.join")):
    _register(_kind, asyncio.Queue, _attr)
_register("lock", asyncio.Lock, "acquire")
_register("semaphore", asyncio.Semaphore, "acquire")
_register("event", asyncio.Event, "wait")
_register("condition", asyncio.Condition, "wait")
_register("condition", asyncio.Condition, "wait_for")
if hasattr(asyncio, "Barrier"):
    _register("barrier", asyncio.Barrier, "wait")
if hasattr(asyncio, "TaskGroup"):
    _register("taskgroup", asyncio.TaskGroup, "__aexit__")
    _register("taskgroup", asyncio.TaskGroup, "_aexit")
_register("wait_for", _tasks, "wait_for")
_register("wait", _tasks, "wait")
_register("wait", _tasks, "_wait")
_register("thread", asyncio, "to_thread")
_register("stream.read", asyncio.StreamReader, "_wait_for_data")
_register("stream.drain", asyncio.StreamWriter, "drain")
# Kinds that win over a more inner asyncio frame (Queue.join waits on an Event).
_OVERRIDING = {"queue.join"}


def _suspended(obj, frame):
    """True if the frame of coroutine/generator *obj* is suspended (safe to read locals)."""
    try:
        if _PY311:
            if type(obj) is _CoroutineType:
                return obj.cr_suspended
            if type(obj) is _GeneratorType:
                return obj.gi_suspended
        if type(obj) is _CoroutineType:
            running = obj.cr_running
        elif type(obj) is _GeneratorType:
            running = obj.gi_running
        elif type(obj) is _AsyncGenType:
            running = obj.ag_running
        else:
            return False
        return not running and frame.f_lasti >= 0
    except Exception:  # noqa: BLE001
        return False


def _local(obj, frame, name):
    if not _suspended(obj, frame):
        return None
    try:
        return frame.f_locals.get(name)
    except Exception:  # noqa: BLE001
        return None


def _next_awaitable(obj):
    """(frame, name, next awaitable) for one link of an await chain, or None at the leaf."""
    t = type(obj)
    if t is _CoroutineType:
        return obj.cr_frame, obj.__qualname__, obj.cr_await
    if t is _AsyncGenType:
        return obj.ag_frame, obj.__qualname__, obj.ag_await
    if t is _GeneratorType:
        return obj.gi_frame, obj.__qualname__, obj.gi_yieldfrom
    tn = t.__name__
    if tn in ("coroutine_wrapper", "async_generator_asend", "async_generator_athrow"):
        # No public attribute leads on; the referents hold the coroutine/generator.
        for ref in gc.get_referents(obj):
            if type(ref) in (_CoroutineType, _AsyncGenType, _GeneratorType):
                return None, None, ref
    return None


def walk_chain(coro):
    """List of (coroutine-like object, frame, qualname) from *coro* inward."""
    out = []
    seen = set()
    obj = coro
    while obj is not None and len(out) < _CHAIN_WALK_LIMIT:
        if id(obj) in seen:
            break
        seen.add(id(obj))
        step = _next_awaitable(obj)
        if step is None:
            break
        frame, name, nxt = step
        if frame is not None:
            out.append((obj, frame, name))
        elif name is not None:
            break  # a finished coroutine/generator
        obj = nxt
    return out


def _chain_json(links):
    if len(links) > 2 * _CHAIN_KEEP:
        links = links[:_CHAIN_KEEP] + links[-_CHAIN_KEEP:]
    chain = []
    for _obj, frame, name in links:
        code = frame.f_code
        line = frame.f_lineno
        if line is None:
            line = code.co_firstlineno
        chain.append({"name": name if isinstance(name, str) else code.co_name,
                      "file": code.co_filename, "line": line})
    return chain


def _plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def _primitive_detail(kind, prim):
    if prim is None:
        return ""
    try:
        if kind.startswith("queue."):
            maxsize = prim.maxsize
            return "%s (%s%s)" % (type(prim).__name__, _plural(prim.qsize(), "item"),
                                  ", maxsize %d" % maxsize if maxsize > 0 else "")
        waiters = getattr(prim, "_waiters", None)
        nw = len(waiters) if waiters else 0
        if kind == "lock":
            return "Lock (%s, %s)" % ("locked" if prim.locked() else "unlocked", _plural(nw, "waiter"))
        if kind == "semaphore":
            return "%s (value %d, %s)" % (type(prim).__name__, prim._value, _plural(nw, "waiter"))
        if kind == "event":
            return "Event (%s, %s)" % ("set" if prim.is_set() else "not set", _plural(nw, "waiter"))
        if kind == "condition":
            return "Condition (%s)" % _plural(nw, "waiter")
        if kind == "barrier":
            return "Barrier (%d/%d waiting)" % (prim.n_waiting, prim.parties)
        return type(prim).__name__
    except Exception:  # noqa: BLE001
        return type(prim).__name__


def _tasks_in(objs, limit=10000):
    out = []
    try:
        for o in list(objs)[:limit]:
            if isinstance(o, _Task):
                tid = task_id(o)
                if tid is not None:
                    out.append(tid)
    except Exception:  # noqa: BLE001
        pass
    return out


def _gather_children(fut, depth=0):
    out = []
    try:
        children = list(fut._children)
    except Exception:  # noqa: BLE001
        return out
    for c in children:
        if isinstance(c, _Task):
            tid = task_id(c)
            if tid is not None:
                out.append(tid)
        elif depth < 20 and _GatheringFuture is not None and isinstance(c, _GatheringFuture):
            out.extend(_gather_children(c, depth + 1))
    return out


def _is_thread_future(fut):
    try:
        for cb, _ctx in fut._callbacks or ():
            if getattr(cb, "__qualname__", "").startswith("_chain_future."):
                return True
    except Exception:  # noqa: BLE001
        pass
    return False


def _classify(task, links, fut):
    """(waiting_on dict, comparison key) for a suspended task."""
    kind = None
    frame_obj = frame = None
    # The innermost run of asyncio frames names the primitive.
    for obj, f, _name in reversed(links):
        code = f.f_code
        if not _tracker.is_internal_code(code):
            break
        k = _WAIT_CODES.get(code)
        if k is not None and (kind is None or k in _OVERRIDING):
            kind, frame_obj, frame = k, obj, f
    detail = ""
    tids = []
    key_detail = None
    if kind == "sleep":
        h = _local(frame_obj, frame, "h")
        if h is not None:
            try:
                when = h.when()
                detail = "%.1f s left" % max(0.0, when - h._loop.time())
                key_detail = when
            except Exception:  # noqa: BLE001
                pass
    elif kind == "taskgroup":
        tg = _local(frame_obj, frame, "self")
        if tg is not None:
            tids = sorted(_tasks_in(getattr(tg, "_tasks", ())))
            detail = "TaskGroup (%s)" % _plural(len(tids), "task")
    elif kind == "wait_for":
        inner = _local(frame_obj, frame, "fut")
        if isinstance(inner, _Task):
            tids = _tasks_in([inner])
        elif isinstance(fut, _Task):
            tids = _tasks_in([fut])
        timeout = _local(frame_obj, frame, "timeout")
        detail = "wait_for(timeout=%s)" % (timeout,) if isinstance(timeout, (int, float)) else "wait_for"
    elif kind == "wait":
        fs = _local(frame_obj, frame, "fs")
        if fs is not None:
            tids = sorted(_tasks_in(fs))
        detail = "wait (%s)" % _plural(len(tids), "task")
    elif kind == "thread":
        detail = "to_thread"
    elif kind in ("stream.read", "stream.drain"):
        detail = "StreamReader" if kind == "stream.read" else "StreamWriter"
    elif kind is not None:
        detail = _primitive_detail(kind, _local(frame_obj, frame, "self"))
    elif fut is None:
        kind = "runnable"
    elif isinstance(fut, _Task):
        kind = "task"
        tids = _tasks_in([fut])
        detail = "Task %r" % (_safe_name(fut),)
    elif _GatheringFuture is not None and isinstance(fut, _GatheringFuture):
        kind = "gather"
        tids = _gather_children(fut)
        try:
            ndone = sum(1 for c in list(fut._children) if c.done())
            detail = "gather (%s, %d done)" % (_plural(len(fut._children), "awaitable"), ndone)
        except Exception:  # noqa: BLE001
            detail = "gather"
    elif _is_thread_future(fut):
        kind = "thread"
        detail = "run_in_executor"
    else:
        kind = "future"
        detail = type(fut).__name__
    waiting = {"kind": kind, "detail": detail, "tasks": tids}
    key = (kind, detail if key_detail is None else key_detail, tuple(tids))
    return waiting, key


def _safe_name(task):
    try:
        name = task.get_name()
        return name if isinstance(name, str) else str(name)
    except Exception:  # noqa: BLE001
        return ""


def _registry():
    """Every task asyncio knows, done or not (copies taken with retries)."""
    sets = []
    if hasattr(_tasks, "_scheduled_tasks"):
        sets.append(_tasks._scheduled_tasks)
        sets.append(_tasks._eager_tasks)
    elif hasattr(_tasks, "_all_tasks"):
        sets.append(_tasks._all_tasks)
    out = []
    for s in sets:
        for _ in range(1000):
            try:
                out.extend(list(s))
                break
            except RuntimeError:
                continue
    return out


def _current_tasks(tasks):
    current = {}
    for t in tasks:
        loop = t._loop
        if loop not in current:
            try:
                current[loop] = _tasks.current_task(loop)
            except Exception:  # noqa: BLE001
                current[loop] = None
    return current


def finished_info_from_task(task):
    state, exc = _tracker._final_state(task)
    return _info(task, state, exc, [], None)


def _info(task, state, exc, chain, waiting):
    return {
        "id": task_id(task),
        "name": _safe_name(task),
        "state": state,
        "parent": getattr(task, "_lens_parent", None),
        "group": getattr(task, "_lens_group", None),
        "coro": _tracker._coro_name(task._coro) or (getattr(task, "_lens_coro", None) or ""),
        "created_at": _tracker.resolve_site(getattr(task, "_lens_site", None)),
        "chain": chain,
        "waiting_on": waiting,
        "awaited_by": [],
        "exception": exc,
    }


def _info_from_death(rec):
    tid, name, state, parent, group, coro, site, exc = rec
    return {
        "id": tid, "name": name, "state": state, "parent": parent, "group": group,
        "coro": coro or "", "created_at": _tracker.resolve_site(site), "chain": [], "waiting_on": None,
        "awaited_by": [], "exception": exc,
    }


class Collector:
    """Reads the live tasks and the newly finished ones; keeps the bounded history."""

    def __init__(self, tracker, history_size=1000):
        self.tracker = tracker
        self.history = collections.deque(maxlen=history_size)

    def collect(self, yield_gil=True):
        """Return (live, finished): live is a list of (info, key), finished of infos."""
        all_tasks = _registry()
        current = _current_tasks(all_tasks)
        live = []
        finished = []
        finished_ids = set()
        for i, t in enumerate(all_tasks):
            if yield_gil and i and i % _YIELD_EVERY == 0:
                time.sleep(1e-4)
            try:
                if t.done():
                    if getattr(t, "_lens_seen", 0) != FINISHED_REPORTED:
                        info = finished_info_from_task(t)
                        try:
                            t._lens_seen = FINISHED_REPORTED
                        except Exception:  # noqa: BLE001
                            pass
                        finished.append(info)
                        finished_ids.add(info["id"])
                    continue
                if not getattr(t, "_lens_seen", 0):
                    try:
                        t._lens_seen = 1  # from now on its end is always recorded
                    except Exception:  # noqa: BLE001
                        pass
                live.append(self._live_info(t, current.get(t._loop)))
            except Exception:  # noqa: BLE001 - a task mutating under us, or an odd subclass
                self.tracker._fault("snapshot")
        del all_tasks
        by_id = {}
        for info, waits in live:
            by_id[info["id"]] = info
        for info, waits in live:
            for tid in info["waiting_on"]["tasks"] if info["waiting_on"] else ():
                target = by_id.get(tid)
                if target is not None and info["id"] not in target["awaited_by"]:
                    target["awaited_by"].append(info["id"])
        result = []
        for info, waits in live:
            info["awaited_by"].sort()
            key = (info["name"], info["state"], info["parent"], info["group"], info["coro"],
                   waits, tuple((c["name"], c["file"], c["line"]) for c in info["chain"]),
                   tuple(info["awaited_by"]))
            result.append((info, key))
        result.sort(key=lambda e: e[0]["id"])
        deaths = [_info_from_death(r) for r in self.tracker.drain_deaths()]
        deaths = [d for d in deaths if d["id"] not in finished_ids]
        finished = deaths + finished
        self.history.extend(finished)
        return result, finished

    def _live_info(self, task, current):
        if task is current:
            return _info(task, "running", None, [], None), None
        links = walk_chain(task._coro)
        waiting, wkey = _classify(task, links, task._fut_waiter)
        return _info(task, "pending", None, _chain_json(links), waiting), wkey

    def snapshot(self, live=None):
        if live is None:
            live, _finished = self.collect()
        return {
            "version": PROTOCOL_VERSION,
            "python": python_version(),
            "pid": os.getpid(),
            "time": time.time(),
            "tasks": [info for info, _key in live],
            "history": list(self.history),
        }


class Differ:
    """Turns successive collections into ``tasks/changed`` payloads."""

    def __init__(self, max_unseen_finished=1000):
        self._sent = {}  # id -> (key, info) of live tasks already sent
        self.max_unseen_finished = max_unseen_finished

    def diff(self, live, finished, reset=False):
        """(tasks, finished) to send; both empty when nothing changed."""
        if reset:
            self._sent = {}
        sent = self._sent
        new_sent = {}
        changed = []
        for info, key in live:
            tid = info["id"]
            new_sent[tid] = (key, info)
            prev = sent.get(tid)
            if prev is None or prev[0] != key:
                changed.append(info)
        out_finished = []
        unseen = []
        finished_ids = set()
        for info in finished:
            finished_ids.add(info["id"])
            if info["id"] in sent:
                out_finished.append(info)
            else:
                unseen.append(info)
        if len(unseen) > self.max_unseen_finished:
            unseen = unseen[-self.max_unseen_finished:]
        # Live before, neither live nor reported finished now: it finished and was freed
        # without a record (a task from the program's own factory). Its final state is
        # unknown; report it as done.
        for tid, (_key, info) in sent.items():
            if tid not in new_sent and tid not in finished_ids:
                gone = dict(info, state="done", chain=[], waiting_on=None, awaited_by=[])
                out_finished.append(gone)
        self._sent = new_sent
        return changed, out_finished + unseen
