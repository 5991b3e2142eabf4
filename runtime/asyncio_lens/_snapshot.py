"""Task snapshots and deltas, built from any thread.

A :class:`Collector` reads every task from asyncio's own registry: before 3.14 the WeakSet
behind ``asyncio.all_tasks`` (copied with retries as ``all_tasks`` does), so it also sees
tasks that are done but still referenced; from 3.14 on ``asyncio.all_tasks(loop)`` of each
loop the tracker knows (native tasks live in per-thread lists there, and the step hook
records the ends). No reference to a task is kept, on any thread or loop. It reads only suspended frames' locals, reads the
task's coroutine through ``task._coro`` (``get_coro()`` crashes on 3.12.1 for finished
eager tasks) and never calls ``task.exception()`` (that would mark the exception as
retrieved). A task's info is a plain JSON-serialisable dict with exactly the keys of
``_protocol.TASK_KEYS`` (``_infos``); chains are walked and classified once per place
where tasks wait (``_chains``, ``_waits``).

The :class:`Differ` (``_differ``) turns successive collections into ``tasks/changed``
payloads.
"""

import collections
import gc
import operator
import os
import sys
import threading
import time
import weakref
from asyncio import tasks as _tasks

from . import _cancel, _chains, _graph, _infos, _tracker, _waits
from ._differ import Differ
from ._chains import walk_chain
from ._infos import EPOCH_OFFSET, NO_IDS, cached_static, finished_info_from_task, static_info
from ._slices import Slicer, settle_survivors
from ._protocol import PROTOCOL_VERSION
from ._tracker import FINISHED_REPORTED

__all__ = ["Collector", "Differ", "walk_chain", "registry", "python_version", "LIVE_INFO", "LIVE_KEY"]

LIVE_INFO = 3
LIVE_KEY = 6

_TICK_EVERY = 16  # tasks between looks at the slice's clock
_SETTLE_AFTER_WALKS = 1000  # a collection that walked this many chains: settle_survivors()
_NOT_AWAITED = ((), False)  # awaited-by key of a task nobody awaits, not shielded
_NO_STAMP = (None, None)  # no cancel request, no asyncio.timeout
_LENS_TASK_TYPES = (_tracker.LensTask, _tracker.RecordingLensTask)


def python_version():
    return "%d.%d.%d" % sys.version_info[:3]


# 3.14+: native tasks live in _asyncio's per-thread lists, not in _scheduled_tasks (which
# then holds only tasks of other Task implementations); asyncio.all_tasks(loop) reads them
# all, from any thread, without the program's cooperation and without a reference kept.
_NATIVE_TASK_LISTS = sys.version_info >= (3, 14)


def registry(loops):
    """Every task asyncio knows: done or not before 3.14 (copies taken with retries), the
    pending tasks of *loops* from 3.14 on (the step hook records the ends there)."""
    if _NATIVE_TASK_LISTS:
        out = []
        for loop in loops:
            try:
                out.extend(_tasks.all_tasks(loop))
            except Exception:  # noqa: BLE001 - a loop being torn down
                continue
        return out
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


def _by_id(info):
    return info["id"]


def _cancel_version(rec):
    """What changes in a cancel record (``_cancel``) when a request or uncancel comes."""
    return None if rec is None else (rec[1], rec[6])


def _stamp(rec, tmo):
    """What, besides its future, makes a suspended task's entry stale: its cancel record's
    version and its asyncio.timeout deadline."""
    return _cancel_version(rec), tmo


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
        all_tasks = registry(self.tracker.loops())
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
                try:
                    name = t.get_name()  # a program's Task subclass may override it
                except Exception:  # noqa: BLE001
                    name = None
                if type(name) is not str:
                    name = _waits.safe_name(t)
                tid = getattr(t, "_lens_id", None)
                cached = old_cache.get(tid) if tid is not None else None
                entry = None
                if cached is not None and not cached[5] and cached[2] == name:
                    # Still suspended on the same future (so not running): unchanged, unless
                    # a cancel request or an asyncio.timeout came. Checked here, not in a
                    # call: this is all a repeat does for most tasks.
                    fut = t._fut_waiter
                    ref = cached[1]
                    if fut is not None and ref is not None and ref() is fut:
                        rec = getattr(t, "_lens_cancel", None)
                        tmo = timeouts.get(id(t)) if timeouts else None
                        if cached[8] == (_NO_STAMP if rec is None and tmo is None else _stamp(rec, tmo)):
                            entry = cached
                if entry is None:
                    if not getattr(t, "_lens_seen", 0):
                        try:
                            t._lens_seen = 1  # from now on its end is always recorded
                        except Exception:  # noqa: BLE001
                            pass
                    if t is current.get(t._loop):
                        entry = self._running_entry(t, name, cached)
                    else:
                        entry = self._live_entry(t, name, cached, ctx, timeouts)
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
        # Shielded: the inner tasks of the shield() waits, also of waits reused from the cache.
        shielded = {tid for info in edged if info["waiting_on"]["kind"] == "shield"
                    for tid in info["waiting_on"]["tasks"]}
        self._mark_awaited(new_cache, _graph.awaited_by(edged, native), shielded, tick)
        self.cycles = _graph.find_cycles(edged, live=new_cache)
        self._note_cycles(new_cache)
        deaths = [_infos.info_from_death(r) for r in self.tracker.drain_deaths()]
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
                    info["awaited_by"] = NO_IDS
            else:
                marked.add(tid)
                if ab is None:
                    if info["awaited_by"]:
                        info["awaited_by"] = NO_IDS
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
                self.warnings.add("await_cycle", cyc[0], "await cycle (deadlock): %s" % desc, tasks=list(cyc))
        self._cycle_keys = keys

    def _running_entry(self, task, name, cached):
        info = _infos.info_of(task, "running", None, [], None, cached_static(cached) or static_info(task))
        info["name"] = name
        _infos.figures(info, _tracker.timing(task))
        info["cancel"] = _cancel.cancel_json(_cancel.cancel_record(task), task, in_group_exit=True)
        stamp = (_cancel_version(getattr(task, "_lens_cancel", None)), getattr(task, "_lens_steps", 0))
        base = ("running", name, stamp)
        return [None, None, name, info, base, False, (base, _NOT_AWAITED), _NOT_AWAITED, stamp]

    def _live_entry(self, task, name, cached, ctx, timeouts):
        """A new entry for a suspended task (*cached*: its previous one, or None)."""
        fut = task._fut_waiter
        rec = getattr(task, "_lens_cancel", None)
        tmo = timeouts.get(id(task)) if timeouts else None
        stamp = _NO_STAMP if rec is None and tmo is None else _stamp(rec, tmo)
        tid, parent, group, coro, created_at = cached_static(cached) or static_info(task)
        self._walked += 1
        links = None
        key = _chains.chain_key(task._coro)
        if key is None:
            links, key = _chains.walk(task._coro)
        facts = _chains.FACTS.get(key)
        if facts is None:
            if links is None:
                links = _chains.walk(task._coro)[0]
            facts = _chains.facts(links, key)
        chain, ckey, in_exit, found, fixed, _codes = facts
        if fixed is not None and tmo is None:
            waiting, wkey = fixed
        else:
            kind, index = found
            link = (None, None) if index is None else _chains.link_at(task._coro, index, links)
            waiting, wkey = _waits.classify_at(task, kind, link, fut, ctx)
            waiting = _chains.interned_waiting(waiting, wkey)
            link = None
        links = None
        created, first, steps, busy, _last = _tracker.timing(task)
        # _tracker.epoch() without its round(x, 6) (0.5 us, twice per task); may differ
        # from it in the last microsecond.
        if created is not None:
            created = int((created + EPOCH_OFFSET) * 1e6 + 0.5) / 1e6
        if first is not None:
            first = int((first + EPOCH_OFFSET) * 1e6 + 0.5) / 1e6
        if rec is None:
            # Our Task subclass records every request; other tasks only tell cancelling().
            cancel = None if type(task) in _LENS_TASK_TYPES else _cancel.unseen_cancel_json(task)
        else:
            cancel = _cancel.cancel_json(_cancel.cancel_record(task), task, in_exit)
        # Keys in the order of _protocol.TASK_KEYS.
        info = {
            "id": tid, "name": name, "state": "pending", "parent": parent, "group": group, "coro": coro,
            "created_at": created_at, "chain": chain, "waiting_on": waiting, "awaited_by": NO_IDS,
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


