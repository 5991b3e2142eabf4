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
import weakref
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
# id(code) -> kind. Keyed by id: hashing a code object hashes all its fields. The code
# objects are kept in _WAIT_CODE_OBJECTS, so their ids stay theirs.
_WAIT_CODES = {}
_WAIT_CODE_OBJECTS = []


def _register(kind, obj, attr=None):
    try:
        fn = getattr(obj, attr) if attr else obj
        code = fn.__code__
    except AttributeError:
        return
    _WAIT_CODES[id(code)] = kind
    _WAIT_CODE_OBJECTS.append(code)


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


def _unwrap(obj):
    """The coroutine/generator behind a wrapper that has no public attribute for it."""
    if type(obj).__name__ in ("coroutine_wrapper", "async_generator_asend", "async_generator_athrow"):
        for ref in gc.get_referents(obj):
            if type(ref) in (_CoroutineType, _AsyncGenType, _GeneratorType):
                return ref
    return None


def walk_chain(coro):
    """List of (coroutine-like object, frame) from *coro* inward, to the leaf."""
    out = []
    obj = coro
    while obj is not None and len(out) < _CHAIN_WALK_LIMIT:
        t = type(obj)
        if t is _CoroutineType:
            frame = obj.cr_frame
            nxt = obj.cr_await
        elif t is _AsyncGenType:
            frame = obj.ag_frame
            nxt = obj.ag_await
        elif t is _GeneratorType:
            frame = obj.gi_frame
            nxt = obj.gi_yieldfrom
        else:
            obj = _unwrap(obj)  # a leaf (a FutureIter, None, ...) gives None
            continue
        if frame is None:
            break  # finished
        out.append((obj, frame))
        obj = nxt
    return out


# Chain entries are shared between tasks suspended at the same place, and so are their
# comparison keys: (id(code), lasti, qualname) -> (code, entry dict, entry key). The code
# object is kept so that its id stays unique while the entry is cached.
_entries = {}


def _entry(obj, frame):
    code = frame.f_code
    name = obj.__qualname__
    k = (id(code), frame.f_lasti, name)
    hit = _entries.get(k)
    if hit is not None and hit[0] is code:
        return hit
    line = frame.f_lineno
    if line is None:
        line = code.co_firstlineno
    if not isinstance(name, str):
        name = code.co_name
    entry = {"name": name, "file": code.co_filename, "line": line}
    hit = (code, entry, (name, code.co_filename, line))
    if len(_entries) > 50000:
        _entries.clear()
    _entries[k] = hit
    return hit


def _chain_json(links):
    """(chain, key) for the links of walk_chain, trimmed in the middle when very deep."""
    if len(links) > 2 * _CHAIN_KEEP:
        links = links[:_CHAIN_KEEP] + links[-_CHAIN_KEEP:]
    chain = []
    keys = []
    for obj, frame in links:
        _code, entry, key = _entry(obj, frame)
        chain.append(entry)
        keys.append(key)
    return chain, tuple(keys)


def _plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def _primitive_detail(kind, prim):
    """A short, stable description of the primitive waited on (no counts that change
    while the task waits, so that a task's info changes only when its wait does)."""
    if prim is None:
        return ""
    try:
        name = type(prim).__name__
        if kind.startswith("queue."):
            maxsize = prim.maxsize
            return "%s (maxsize %d)" % (name, maxsize) if maxsize > 0 else name
        if kind == "barrier":
            return "%s (%d parties)" % (name, prim.parties)
        return name
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
    for obj, f in reversed(links):
        code = f.f_code
        if not _tracker.is_internal_code(code):
            break
        k = _WAIT_CODES.get(id(code))
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


def _static_info(task):
    """(id, parent, group, coro, created_at): what never changes in a task's info."""
    return (
        task_id(task),
        getattr(task, "_lens_parent", None),
        getattr(task, "_lens_group", None),
        _tracker._coro_name(task._coro) or (getattr(task, "_lens_coro", None) or ""),
        _tracker.resolve_site(getattr(task, "_lens_site", None)),
    )


def _info(task, state, exc, chain, waiting, static=None):
    tid, parent, group, coro, created_at = static or _static_info(task)
    return {
        "id": tid,
        "name": _safe_name(task),
        "state": state,
        "parent": parent,
        "group": group,
        "coro": coro,
        "created_at": created_at,
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


def _by_id(info):
    return info["id"]


# Waits whose task list changes while the task stays suspended on the same future.
_DYNAMIC_KINDS = frozenset(("gather", "taskgroup", "wait", "wait_for"))


class Collector:
    """Reads the live tasks and the newly finished ones; keeps the bounded history.

    A task still suspended on the same future object as at the previous collection has
    not moved (a task suspends only on a pending future, and must wait for it to finish
    before it can move), so its info is reused instead of walking its chain again. The
    cache holds a weak reference to that future, and plain data otherwise.
    """

    def __init__(self, tracker, history_size=1000):
        self.tracker = tracker
        self.history = collections.deque(maxlen=history_size)
        # task id -> [static info, weakref to the future waited on, name, info, base key,
        # dynamic, key, awaited_by key] for the tasks live at the last collection.
        self._cache = {}

    def collect(self, yield_gil=True):
        """Return (live, finished): live is a list of (info, key), finished of infos."""
        all_tasks = _registry()
        current = _current_tasks(all_tasks)
        live = []
        finished = []
        finished_ids = set()
        old_cache, new_cache = self._cache, {}
        for i, t in enumerate(all_tasks):
            if yield_gil and i and i % _YIELD_EVERY == 0:
                time.sleep(1e-4)  # lets the loop's thread take the GIL
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
                tid = getattr(t, "_lens_id", None)
                cached = old_cache.get(tid) if tid is not None else None
                entry = self._live_entry(t, current.get(t._loop), cached)
                new_cache[entry[3]["id"]] = entry
                live.append(entry)
            except Exception:  # noqa: BLE001 - a task mutating under us, or an odd subclass
                self.tracker._fault("snapshot")
        del all_tasks
        self._cache = new_cache
        # awaited_by: inverted "waits on" edges. Kept in the cached info dicts, replaced
        # only when they change (fewer allocations: the GC's pauses are the main cost).
        awaited = {}
        for entry in live:
            waiting = entry[3]["waiting_on"]
            if waiting and waiting["tasks"]:
                me = entry[3]["id"]
                for tid in waiting["tasks"]:
                    lst = awaited.get(tid)
                    if lst is None:
                        awaited[tid] = [me]
                    elif me not in lst:
                        lst.append(me)
        result = []
        for entry in live:
            info = entry[3]
            ab = awaited.get(info["id"])
            if ab is None:
                ab_key = ()
                if info["awaited_by"]:
                    info["awaited_by"] = []
            else:
                ab.sort()
                ab_key = tuple(ab)
                if info["awaited_by"] != ab:
                    info["awaited_by"] = ab
            if entry[7] != ab_key or entry[6] is None:
                entry[6] = (entry[4], ab_key)
                entry[7] = ab_key
            result.append((info, entry[6]))
        deaths = [_info_from_death(r) for r in self.tracker.drain_deaths()]
        deaths = [d for d in deaths if d["id"] not in finished_ids]
        finished = deaths + finished
        self.history.extend(finished)
        return result, finished

    def _live_entry(self, task, current, cached):
        static = cached[0] if cached is not None else _static_info(task)
        name = _safe_name(task)
        if task is current:
            info = _info(task, "running", None, [], None, static)
            return [static, None, name, info, ("running", name), False, None, None]
        fut = task._fut_waiter
        if (cached is not None and fut is not None and not cached[5] and cached[2] == name
                and cached[1] is not None and cached[1]() is fut):
            return cached
        links = walk_chain(task._coro)
        waiting, wkey = _classify(task, links, fut)
        chain, ckey = _chain_json(links)
        del links
        info = _info(task, "pending", None, chain, waiting, static)
        info["name"] = name
        ref = None
        if fut is not None:
            try:
                ref = weakref.ref(fut)
            except TypeError:
                ref = None
        return [static, ref, name, info, ("pending", name, wkey, ckey), waiting["kind"] in _DYNAMIC_KINDS,
                None, None]

    def snapshot(self, live=None):
        if live is None:
            live, _finished = self.collect()
        return {
            "version": PROTOCOL_VERSION,
            "python": python_version(),
            "pid": os.getpid(),
            "time": time.time(),
            "tasks": sorted((info for info, _key in live), key=_by_id),
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
