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
import operator
import os
import sys
import threading
import time
import types
import weakref
from asyncio import tasks as _tasks

from . import _cancel, _graph, _tracker, _waits
from ._slices import Slicer, settle_survivors
from ._protocol import PROTOCOL_VERSION
from ._tracker import FINISHED_REPORTED, epoch, task_id

__all__ = ["Collector", "Differ", "walk_chain", "python_version", "LIVE_INFO", "LIVE_KEY"]

LIVE_INFO = 3
LIVE_KEY = 6

_PY311 = sys.version_info >= (3, 11)
_CHAIN_KEEP = 100  # frames kept at each end of a very deep chain
_CHAIN_WALK_LIMIT = 100000
_TICK_EVERY = 16  # tasks between looks at the slice's clock
_SETTLE_AFTER_WALKS = 1000  # a collection that walked this many chains: settle_survivors()

_CoroutineType = types.CoroutineType
_AsyncGenType = types.AsyncGeneratorType
_GeneratorType = types.GeneratorType
_GatheringFuture = getattr(_tasks, "_GatheringFuture", None)
_Task = asyncio.Task


def python_version():
    return "%d.%d.%d" % sys.version_info[:3]


def _suspended(obj, frame):
    return _waits._suspended(obj, frame)


def _unwrap(obj):
    """The coroutine/generator behind a wrapper that has no public attribute for it."""
    if type(obj).__name__ in _WRAPPERS:
        for ref in gc.get_referents(obj):
            if type(ref) in (_CoroutineType, _AsyncGenType, _GeneratorType):
                return ref
    return None


def walk_chain(coro):
    """List of (coroutine-like object, frame) from *coro* inward, to the leaf."""
    return _walk(coro)[0]


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
    hidden = code.co_filename.startswith(_tracker._RUNTIME_DIR)  # the agent's own wrappers
    hit = (code, None if hidden else entry, (name, code.co_filename, line))
    if len(_entries) > 50000:
        _entries.clear()
    _entries[k] = hit
    return hit


# Interned values, shared by every task that has the same one (chain key -> (chain, key);
# waiting key -> waiting dict): fewer long-lived containers per task. Each one the
# collector adds to the heap is work for the cyclic GC, and 10 000 tasks' worth at once
# makes it run a full collection (50-65 ms with the GIL held). Never mutated.
_chains = {}
_waitings = {}
_NO_IDS = []  # the shared empty awaited_by
_NOT_AWAITED = ((), False)  # awaited-by key of a task nobody awaits, not shielded


def _chain_json(links):
    """(chain, key) for the links of walk_chain, trimmed in the middle when very deep."""
    if len(links) > 2 * _CHAIN_KEEP:
        links = links[:_CHAIN_KEEP] + links[-_CHAIN_KEEP:]
    hits = [_entry(obj, frame) for obj, frame in links]
    key = tuple([h[2] for h in hits if h[1] is not None])
    hit = _chains.get(key)
    if hit is None:
        if len(_chains) > 10000:
            _chains.clear()
        hit = _chains[key] = ([h[1] for h in hits if h[1] is not None], key)
    return hit


# Per-chain facts, shared by every task suspended at the same places: its chain and key,
# whether it is inside a TaskGroup's exit, the wait frame (``_waits.wait_frame``) and, for
# waits fully described by their kind, the waiting dict and its key. Keyed by the flat
# tuple (qualname, id(code), lasti) of each frame (``_walk``, ``_chain_key``): a code
# object's own hash is computed from its contents on every call (0.7 us a lookup). The
# value keeps the code objects, so that those ids stay theirs while the entry is cached.
_chain_facts = {}
_CHAIN_FACTS_LIMIT = 10000


def _walk(coro):
    """(links, key): :func:`walk_chain` and the chain's key in ``_chain_facts``."""
    links = []
    key = []
    add = key.append
    obj = coro
    while obj is not None and len(links) < _CHAIN_WALK_LIMIT:
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
            obj = _unwrap(obj)
            continue
        if frame is None:
            break
        links.append((obj, frame))
        add(obj.__qualname__)
        add(id(frame.f_code))
        add(frame.f_lasti)
        obj = nxt
    return links, tuple(key)


# Types that end a chain (at the bottom a coroutine awaits a future's iterator or a
# future): learnt as walks meet them. Generators, async generators and wrappers
# (``_unwrap``) need the general walk.
_ENDS = {type(None)}
_WRAPPERS = ("coroutine_wrapper", "async_generator_asend", "async_generator_athrow")


def _ends_chain(t):
    if t in (_GeneratorType, _AsyncGenType) or t.__name__ in _WRAPPERS:
        return False
    if len(_ENDS) < 100:
        _ENDS.add(t)
    return True


def _chain_key(coro):
    """The key :func:`_walk` gives for *coro*, or None when the chain is not coroutines
    only (walk it then). It skips the links: half of ``_walk``'s cost, and a first
    collection makes one per task."""
    key = []
    add = key.append
    obj = coro
    while type(obj) is _CoroutineType:
        frame = obj.cr_frame
        if frame is None:
            return tuple(key)
        add(obj.__qualname__)
        add(id(frame.f_code))
        add(frame.f_lasti)
        obj = obj.cr_await
    if type(obj) in _ENDS or _ends_chain(type(obj)):
        return tuple(key)
    return None


def _facts(links, key):
    hit = _chain_facts.get(key)
    if hit is None:
        chain, ckey = _chain_json(links)
        found = _waits.wait_frame(links)
        fixed = None
        detail = _waits.FIXED_DETAILS.get(found[0])
        if detail is not None:
            wkey = (found[0], detail, (), None)
            fixed = (_interned_waiting({"kind": found[0], "detail": detail, "tasks": []}, wkey), wkey)
        if len(_chain_facts) > _CHAIN_FACTS_LIMIT:
            _chain_facts.clear()
        hit = _chain_facts[key] = (chain, ckey, _in_group_exit(links), found, fixed,
                                   tuple([f.f_code for _o, f in links]))
    return hit


def _interned_waiting(waiting, wkey):
    """One shared dict for waits fully described by their key (no deadline, holder, thread)."""
    if len(waiting) != 3 or wkey[1] != waiting["detail"]:
        return waiting
    hit = _waitings.get(wkey)
    if hit is None:
        if len(_waitings) > 10000:
            _waitings.clear()
        hit = _waitings[wkey] = waiting
    return hit


def _safe_name(task):
    return _waits.safe_name(task)


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
    """{loop: its running task} for the loops of *tasks*."""
    try:
        loops = set(map(_loop_of, tasks))
    except Exception:  # noqa: BLE001 - an odd task without _loop: one at a time
        loops = set()
        for t in tasks:
            loops.add(getattr(t, "_loop", None))
    current = {}
    for loop in loops:
        try:
            current[loop] = _tasks.current_task(loop)
        except Exception:  # noqa: BLE001
            current[loop] = None
    return current


_loop_of = operator.attrgetter("_loop")


def _finished_figures(task):
    created, first, steps, busy, last = _tracker.timing(task)
    return created, first, steps, busy, last


def _figures(info, timing_):
    created, first, steps, busy, last = timing_
    info["steps"] = steps
    info["busy_ms"] = round(busy * 1000.0, 3)
    info["created"] = epoch(created)
    info["first_run"] = epoch(first)
    return last


def finished_info_from_task(task):
    state, exc = _tracker._final_state(task)
    info = _info(task, state, exc, [], None)
    last = _figures(info, _tracker.timing(task))
    info["cancel"] = _cancel.cancel_json(_cancel.cancel_record(task), task, in_group_exit=True)
    info["finished"] = epoch(last)
    return info


def _static_info(task):
    """(id, parent, group, coro, created_at): what never changes in a task's info."""
    try:
        tid = task._lens_id
        parent = task._lens_parent
        group = task._lens_group
    except AttributeError:  # made outside our factory
        tid = None
    if tid is None:
        tid = task_id(task)
        parent = getattr(task, "_lens_parent", None)
        group = getattr(task, "_lens_group", None)
    coro = task._coro
    name = getattr(coro, "__qualname__", None) if type(coro) is _CoroutineType else None
    if type(name) is not str:
        name = _tracker._coro_name(coro) or (getattr(task, "_lens_coro", None) or "")
    return tid, parent, group, name, _tracker.resolve_site(_tracker.site_of(task))


_NO_STAMP = (None, None)  # no cancel request, no asyncio.timeout
_EPOCH_OFFSET = _tracker._EPOCH_OFFSET


def _cached_static(cached):
    """The static part of a task's info from its previous entry, or None."""
    if cached is None:
        return None
    old = cached[3]
    return old["id"], old["parent"], old["group"], old["coro"], old["created_at"]


def _info(task, state, exc, chain, waiting, static=None):
    tid, parent, group, coro, created_at = static or _static_info(task)
    # Keys in the order of _protocol.TASK_KEYS.
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
        "awaited_by": _NO_IDS,
        "cancel": None,
        "exception": exc,
        "steps": 0,
        "busy_ms": 0.0,
        "created": None,
        "first_run": None,
        "finished": None,
        "shielded": False,
    }


def _info_from_death(rec):
    tid, name, state, parent, group, coro, site, exc, timing_, cancel_rec = rec
    info = {
        "id": tid, "name": name, "state": state, "parent": parent, "group": group,
        "coro": coro or "", "created_at": _tracker.resolve_site(site), "chain": [], "waiting_on": None,
        "awaited_by": [], "cancel": _cancel.cancel_json(cancel_rec, None, in_group_exit=True),
        "exception": exc, "steps": 0, "busy_ms": 0.0, "created": None, "first_run": None,
        "finished": None, "shielded": False,
    }
    info["finished"] = epoch(_figures(info, timing_))
    return info


def _by_id(info):
    return info["id"]


_TG_AEXIT_CODES = frozenset(
    id(getattr(getattr(asyncio, "TaskGroup", None), a, None).__code__)
    for a in ("__aexit__", "_aexit") if getattr(getattr(asyncio, "TaskGroup", None), a, None) is not None)


def _in_group_exit(links):
    for _obj, f in links:
        if id(f.f_code) in _TG_AEXIT_CODES:
            return True
    return False


def _cancel_version(task):
    rec = getattr(task, "_lens_cancel", None)
    return None if rec is None else (rec[1], rec[6])


class Collector:
    """Reads the live tasks and the newly finished ones; keeps the bounded history.

    A task still suspended on the same future object as at the previous collection has
    not moved (a task suspends only on a pending future, and must wait for it to finish
    before it can move), so its info is reused instead of walking its chain again,
    unless a cancel request or an ``asyncio.timeout`` changed meanwhile. The cache holds
    a weak reference to that future, and plain data otherwise.

    ``watchdog`` and ``warnings`` (set by whoever wires the agent) give the snapshot's
    ``blocked`` and ``warnings``.
    """

    def __init__(self, tracker, history_size=1000):
        self.tracker = tracker
        self.history = collections.deque(maxlen=history_size)
        self.watchdog = None
        self.warnings = None
        self.cycles = []
        self._cycle_keys = set()
        self._lock = threading.RLock()
        # task id -> [None, weakref to the future waited on, name, info, base key,
        # dynamic, key, awaited_by key, reuse stamp] for the tasks live at the last collection.
        self._cache = {}
        # ids of the cached entries that are awaited or shielded; every other cached
        # entry has no awaited_by, is not shielded, and its key says so.
        self._marked = set()
        self._walked = 0  # chains walked by the current collection

    def collect(self, yield_gil=True, slicer=None):
        """Return (live, finished): live is a list of entries, finished of infos.

        An entry is a list (one per live task, kept for the next collection):
        ``entry[LIVE_INFO]`` is the task's info, ``entry[LIVE_KEY]`` a key that changes
        when the info does (a list, not a new tuple per task: fewer GC-tracked objects).

        Thread-safe: collections from several threads take turns. The work is cut into
        slices with the loops let through in between (``_slices``), unless *yield_gil*
        is false; pass a *slicer* to share one with the caller's next steps."""
        with self._lock:
            # The collection's own containers would trigger the collector, and a full
            # collection of a heap with 10 000 suspended tasks stalls the event loop
            # for tens of milliseconds. Hold it off meanwhile (unless the program
            # disabled it itself); its counts carry on afterwards.
            if slicer is None:
                slicer = Slicer(self.tracker.loops(), yield_gil)
            was_enabled = gc.isenabled()
            if was_enabled:
                gc.disable()
                slicer.gc_off = slicer.enabled
            self._walked = 0
            try:
                return self._collect(slicer)
            finally:
                if was_enabled:
                    if slicer.gc_off:
                        slicer.collect_garbage()  # the last slice's garbage
                        slicer.gc_off = False
                    if self._walked >= _SETTLE_AFTER_WALKS:
                        settle_survivors()
                    gc.enable()

    def _collect(self, slicer):
        all_tasks = _registry()
        current = _current_tasks(all_tasks)
        ctx = _waits.Context(current.keys())
        timeouts = ctx.timeouts
        live = []
        edged = []  # infos of the tasks that wait for other tasks
        finished = []
        finished_ids = set()
        old_cache, new_cache = self._cache, {}
        native = {}  # 3.14+: asyncio's own awaited-by edges
        plain_type = None  # the last task type seen without them
        tick = slicer.tick
        for i, t in enumerate(all_tasks):
            if not i % _TICK_EVERY:
                tick()
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
                if t is current.get(t._loop):
                    entry = self._running_entry(t, cached)
                else:
                    entry = self._live_entry(t, cached, ctx, timeouts)
                info = entry[3]
                tid = info["id"]
                new_cache[tid] = entry
                live.append(entry)
                waiting = info["waiting_on"]
                if waiting is not None and waiting["tasks"]:
                    edged.append(info)
                tt = type(t)
                if tt is not plain_type:
                    edges = _graph.native_edges(t)
                    if edges is None:
                        plain_type = tt
                    else:
                        native[tid] = edges
            except Exception:  # noqa: BLE001 - a task mutating under us, or an odd subclass
                self.tracker._fault("snapshot")
        del all_tasks
        self._cache = new_cache
        # Lock holders' names were unknown while classifying: fill them in now.
        for info in edged:
            waiting = info["waiting_on"]
            holder = waiting.get("holder")
            if holder is not None and holder in new_cache:
                waiting["detail"] = "held by %r" % new_cache[holder][2]
        self._mark_awaited(new_cache, _graph.awaited_by(edged, native), ctx.shielded, tick)
        self.cycles = _graph.find_cycles(edged, live=new_cache)
        self._note_cycles(new_cache)
        deaths = [_info_from_death(r) for r in self.tracker.drain_deaths()]
        deaths = [d for d in deaths if d["id"] not in finished_ids]
        finished = deaths + finished
        self.history.extend(finished)
        return live, finished

    def _mark_awaited(self, entries, awaited, shielded, tick):
        """Set awaited_by and shielded in the infos, and the keys that cover them, for the
        tasks awaited or shielded now or at the last collection (the others have none).
        The info's lists are replaced only when they change: fewer allocations."""
        marked = set()
        for i, tid in enumerate(self._marked.union(awaited, shielded)):
            if not i % _TICK_EVERY:
                tick()
            entry = entries.get(tid)
            if entry is None:
                continue
            info = entry[3]
            ab = awaited.get(tid)
            sh = tid in shielded
            if ab is None and not sh:
                ab_key = _NOT_AWAITED
                if info["awaited_by"]:
                    info["awaited_by"] = _NO_IDS
            else:
                marked.add(tid)
                if ab is None:
                    if info["awaited_by"]:
                        info["awaited_by"] = _NO_IDS
                elif info["awaited_by"] != ab:
                    info["awaited_by"] = ab
                ab_key = (tuple(ab or ()), sh)
            if info["shielded"] != sh:
                info["shielded"] = sh
            if entry[7] != ab_key:
                entry[6] = (entry[4], ab_key)
                entry[7] = ab_key
        self._marked = marked

    def _note_cycles(self, entries):
        keys = set()
        for cyc in self.cycles:
            key = tuple(sorted(cyc))
            keys.add(key)
            if key not in self._cycle_keys and self.warnings is not None:
                desc = " -> ".join("%r" % (entries[t][2] if t in entries else t) for t in cyc + cyc[:1])
                self.warnings.add("await_cycle", cyc[0], "await cycle (deadlock): %s" % desc)
        self._cycle_keys = keys

    def _running_entry(self, task, cached):
        name = _safe_name(task)
        info = _info(task, "running", None, [], None, _cached_static(cached) or _static_info(task))
        info["name"] = name
        _figures(info, _tracker.timing(task))
        info["cancel"] = _cancel.cancel_json(_cancel.cancel_record(task), task, in_group_exit=True)
        stamp = (_cancel_version(task), getattr(task, "_lens_steps", 0))
        base = ("running", name, stamp)
        return [None, None, name, info, base, False, (base, _NOT_AWAITED), _NOT_AWAITED, stamp]

    def _live_entry(self, task, cached, ctx, timeouts):
        try:
            name = task.get_name()  # a program's Task subclass may override it
        except Exception:  # noqa: BLE001
            name = ""
        if type(name) is not str:
            name = _safe_name(task)
        fut = task._fut_waiter
        rec = getattr(task, "_lens_cancel", None)
        tmo = timeouts.get(id(task)) if timeouts else None
        stamp = _NO_STAMP if rec is None and tmo is None else (
            None if rec is None else (rec[1], rec[6]), tmo)
        if (cached is not None and fut is not None and not cached[5] and cached[2] == name
                and cached[8] == stamp and cached[1] is not None and cached[1]() is fut):
            return cached
        tid, parent, group, coro, created_at = _cached_static(cached) or _static_info(task)
        self._walked += 1
        links = None
        key = _chain_key(task._coro)
        if key is None:
            links, key = _walk(task._coro)
        facts = _chain_facts.get(key)
        if facts is None:
            if links is None:
                links = _walk(task._coro)[0]
            facts = _facts(links, key)
        chain, ckey, in_exit, found, fixed, _codes = facts
        if fixed is not None and tmo is None:
            waiting, wkey = fixed
        else:
            if links is None:
                links = _walk(task._coro)[0]
            waiting, wkey = _waits.classify(task, links, fut, ctx, found=found)
            waiting = _interned_waiting(waiting, wkey)
        links = None
        created, first, steps, busy, _last = _tracker.timing(task)
        # _tracker.epoch() without its round(x, 6) (0.5 us, twice per task); may differ
        # from it in the last microsecond.
        if created is not None:
            created = int((created + _EPOCH_OFFSET) * 1e6 + 0.5) / 1e6
        if first is not None:
            first = int((first + _EPOCH_OFFSET) * 1e6 + 0.5) / 1e6
        cancel = None if rec is None else _cancel.cancel_json(_cancel.cancel_record(task), task, in_exit)
        # Keys in the order of _protocol.TASK_KEYS.
        info = {
            "id": tid, "name": name, "state": "pending", "parent": parent, "group": group, "coro": coro,
            "created_at": created_at, "chain": chain, "waiting_on": waiting, "awaited_by": _NO_IDS,
            "cancel": cancel, "exception": None, "steps": steps, "busy_ms": int(busy * 1e6 + 0.5) / 1e3,
            "created": created, "first_run": first, "finished": None, "shielded": False,
        }
        ref = None
        if fut is not None:
            try:
                ref = weakref.ref(fut)
            except TypeError:
                ref = None
        base = ("pending", name, wkey, ckey, None if cancel is None else (
            cancel["count"], cancel["requested"], cancel["via"]), steps)
        return [None, ref, name, info, base, waiting["kind"] in _waits.DYNAMIC_KINDS,
                (base, _NOT_AWAITED), _NOT_AWAITED, stamp]

    def snapshot(self, live=None):
        with self._lock:
            return self._snapshot(live)

    def _snapshot(self, live):
        if live is None:
            live, _finished = self.collect()
        wd = self.watchdog
        return {
            "version": PROTOCOL_VERSION,
            "python": python_version(),
            "pid": os.getpid(),
            "time": time.time(),
            "tasks": sorted((entry[3] for entry in live), key=_by_id),
            "cycles": [list(c) for c in self.cycles],
            "blocked": wd.current() if wd is not None else None,
            "warnings": self.warnings.snapshot() if self.warnings is not None else [],
            "history": list(self.history),
        }


def _no_tick():
    pass


class Differ:
    """Turns successive collections into ``tasks/changed`` payloads."""

    def __init__(self, max_unseen_finished=1000):
        self._sent = {}  # id -> (key, info) of live tasks already sent
        self.max_unseen_finished = max_unseen_finished

    def diff(self, live, finished, reset=False, slicer=None):
        """(tasks, finished) to send; both empty when nothing changed."""
        tick = slicer.tick if slicer is not None else _no_tick
        if reset:
            self._sent = {}
        sent = self._sent
        new_sent = {}
        changed = []
        for i, entry in enumerate(live):
            if not i % _TICK_EVERY:
                tick()
            info = entry[3]
            key = entry[6]
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
