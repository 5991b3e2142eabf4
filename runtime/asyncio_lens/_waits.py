"""What a suspended task waits on, classified, with a detail a person can read.

:func:`classify` looks at the innermost run of asyncio frames of a task's await chain
(``Queue.get``, ``Lock.acquire``, ``sleep``, ``TaskGroup.__aexit__``…) and, when there is
none, at the future the task waits on (``task._fut_waiter``): another task, a gather, a
shield's outer future, a future chained from a worker thread. Kinds (the protocol's
``WaitingOn.kind``):

``sleep``, ``queue.get``, ``queue.put``, ``queue.join``, ``lock``, ``event``, ``condition``,
``semaphore``, ``barrier``, ``task``, ``gather``, ``taskgroup``, ``wait``, ``wait_for``,
``as_completed``, ``timeout``, ``shield``, ``thread``, ``stream.read``, ``stream.drain``,
``future``, ``runnable``.

Nothing in ``detail`` depends on the clock: times are given as epoch seconds, and whoever
shows the wait computes the time left when it renders it. ``deadline``: when the wait ends
at the latest (a sleep's end, or its timeout's); ``timeout``: when an ``asyncio.timeout``,
``wait_for`` or ``wait(timeout=...)`` around it gives up. An ``asyncio.timeout`` is not in
the chain: :class:`Context` finds the ``Timeout`` objects through the loops' scheduled
handles; ``wait_for`` (3.10/3.11) and ``wait`` keep theirs in a local. When the wait itself
is a plain future under a timeout, the kind is ``timeout``.
Lock holders come from ``_locks``; the waiting dict then has ``holder`` (a task id).
A ``thread`` wait has ``thread`` (the worker's name), ``stack`` (its frames), ``work`` (the
function it runs) and ``work_state``: ``queued``, ``running``, or ``done`` (the function
returned; the loop has not taken the result yet, e.g. while the debugger holds it).
"""

import asyncio
import concurrent.futures
import contextvars
import sys
import threading
import time
import types
import weakref
from asyncio import tasks as _tasks

from . import _tracker
from ._tracker import task_id

__all__ = ["Context", "classify", "classify_at", "wait_frame", "DYNAMIC_KINDS", "KINDS", "FIXED_DETAILS"]

KINDS = (
    "sleep", "queue.get", "queue.put", "queue.join", "lock", "event", "condition", "semaphore",
    "barrier", "task", "gather", "taskgroup", "wait", "wait_for", "as_completed", "timeout",
    "shield", "thread", "stream.read", "stream.drain", "future", "runnable",
)

#: Kinds whose tasks or detail change while the task stays on the same future.
DYNAMIC_KINDS = frozenset(("gather", "taskgroup", "wait", "wait_for", "barrier", "thread", "as_completed",
                           "lock"))

_Task = asyncio.Task
_GatheringFuture = getattr(_tasks, "_GatheringFuture", None)
_PY311 = sys.version_info >= (3, 11)
_CoroutineType = types.CoroutineType
_AsyncGenType = types.AsyncGeneratorType
_GeneratorType = types.GeneratorType
try:
    from asyncio.timeouts import Timeout as _Timeout
except ImportError:  # 3.10
    _Timeout = None

# id(code) -> kind; the code objects stay in _CODES so their ids stay theirs.
_WAIT_CODES = {}
_CODES = []


def _register(kind, obj, *attrs):
    try:
        for a in attrs:
            obj = getattr(obj, a)
        obj = getattr(obj, "__wrapped__", obj)  # asyncio.Lock.acquire wrapped by _locks
        code = obj if isinstance(obj, types.CodeType) else obj.__code__
    except AttributeError:
        return
    _WAIT_CODES[id(code)] = kind
    _CODES.append(code)


def _nested_code(fn, name):
    for const in getattr(getattr(fn, "__code__", None), "co_consts", ()):
        if isinstance(const, types.CodeType) and const.co_name == name:
            return const
    return None


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
if hasattr(_tasks, "_AsCompletedIterator"):  # 3.13
    _register("as_completed", _tasks._AsCompletedIterator, "_wait_for_one")
else:
    _register("as_completed", _nested_code(_tasks.as_completed, "_wait_for_one"))
# Kinds that win over a more inner asyncio frame (Queue.join waits on an Event, a
# Condition on its Lock, as_completed on a Queue).
_OVERRIDING = frozenset(("queue.join", "as_completed", "wait_for", "barrier"))
_GENERIC = frozenset(("future", "runnable"))

#: Kinds whose detail is always the same text (no local of the frame needed): every task
#: waiting that way, with no timeout around it, has the same ``waiting_on``.
FIXED_DETAILS = {
    "event": "not set",
    "condition": "until notified",
    "semaphore": "none free",
    "stream.read": "data from the peer",
    "stream.drain": "the peer to read (write buffer full)",
}

_SHIELD_OUTER = "shield.<locals>._outer_done_callback"
_SHIELD_INNER = "shield.<locals>._inner_done_callback"
_CHAINED = "_chain_future.<locals>._call_check_cancel"


def _suspended(obj, frame):
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


def local(obj, frame, name):
    """A local of a suspended frame (None when running or absent)."""
    if not _suspended(obj, frame):
        return None
    try:
        return frame.f_locals.get(name)
    except Exception:  # noqa: BLE001
        return None


def _plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def safe_name(task):
    try:
        name = task.get_name()
        return name if isinstance(name, str) else str(name)
    except Exception:  # noqa: BLE001
        return ""


def _task_ids(objs, limit=10000):
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


def _closure_var(fn, name):
    try:
        code = fn.__code__
        idx = code.co_freevars.index(name)
        return fn.__closure__[idx].cell_contents
    except Exception:  # noqa: BLE001
        return None


def _callback_named(fut, qualname):
    """The first done-callback of *fut* with this qualname, or None."""
    try:
        callbacks = fut._callbacks
    except Exception:  # noqa: BLE001
        return None
    if not callbacks:
        return None
    try:
        for cb, _ctx in list(callbacks):
            if getattr(cb, "__qualname__", None) == qualname:
                return cb
    except Exception:  # noqa: BLE001
        pass
    return None


class Context:
    """What one collection shares between tasks: deadlines, worker threads, clocks."""

    def __init__(self, loops=()):
        self.now_mono = time.monotonic()
        self.now_epoch = time.time()
        self.timeouts = {}  # id(task) -> loop deadline (asyncio.timeout)
        self._loop_time = {}
        if _Timeout is not None:
            for loop in loops:
                self._scan_timeouts(loop)
        self._threads = None

    def _scan_timeouts(self, loop):
        try:
            scheduled = list(loop._scheduled)
        except Exception:  # noqa: BLE001
            return
        for h in scheduled:
            try:
                cb = h._callback
                owner = getattr(cb, "__self__", None)
                if type(owner) is _Timeout and not h._cancelled:
                    t = owner._task
                    when = h._when
                    prev = self.timeouts.get(id(t))
                    if prev is None or when < prev:
                        self.timeouts[id(t)] = when
            except Exception:  # noqa: BLE001
                continue

    def loop_left(self, loop, when):
        """Seconds from now to loop-clock time *when*."""
        now = self._loop_time.get(id(loop))
        if now is None:
            try:
                now = loop.time()
            except Exception:  # noqa: BLE001
                now = time.monotonic()
            self._loop_time[id(loop)] = now
        return when - now

    def epoch_of(self, loop, when):
        """Epoch seconds (3 decimals) of loop-clock time *when*."""
        return round(self.now_epoch + self.loop_left(loop, when), 3)

    def timeout_of(self, task):
        return self.timeouts.get(id(task))

    def thread_of(self, source):
        """(thread name, innermost frames) of the pool worker running *source*."""
        if self._threads is None:
            self._threads = {}
            try:
                frames = sys._current_frames()
            except Exception:  # noqa: BLE001
                frames = {}
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, f in frames.items():
                stack = []
                item = None
                while f is not None and len(stack) < 200:
                    code = f.f_code
                    if code.co_filename.endswith(_POOL_FILES):
                        # _WorkItem.run holds the future; 3.14+ calls the function through
                        # WorkerContext.run, which is left out of the stack like it.
                        if code.co_name == "run":
                            try:
                                item = f.f_locals.get("self")
                            except Exception:  # noqa: BLE001
                                item = None
                            if getattr(item, "future", None) is not None:
                                break
                            item = None
                        f = f.f_back
                        continue
                    if code.co_filename.startswith(_tracker._RUNTIME_DIR):
                        # A worker the debugger holds is inside the agent (and what it calls to
                        # wait): none of that is the program's.
                        del stack[:]
                    else:
                        stack.append({"name": code.co_name, "file": code.co_filename, "line": f.f_lineno or 0})
                    f = f.f_back
                del f
                if item is not None:
                    stack.reverse()
                    fut = item.future
                    name = names.get(ident, str(ident))
                    work = _work_name(item)
                    self._threads[id(fut)] = (name, stack, fut, work)
                    _remember_worker(fut, name, work)
            frames = None
        hit = self._threads.get(id(source))
        if hit is not None and hit[2] is source:
            return hit[0], hit[1], hit[3]
        return None


_POOL_FILES = ("concurrent/futures/thread.py", "concurrent\\futures\\thread.py")

# concurrent future -> (thread name, function) of the worker last seen running it: a worker
# that finished while the loop could not take the result (paused by the debugger) is gone
# from every thread's stack, and its wait still names it.
_workers = weakref.WeakKeyDictionary()
_workers_lock = threading.Lock()


def _remember_worker(source, name, work):
    try:
        with _workers_lock:
            _workers[source] = (name, work)
    except TypeError:  # not weakly referenceable
        pass


def _worker_of(source):
    try:
        with _workers_lock:
            return _workers.get(source)
    except TypeError:
        return None


def _work_name(item):
    """Qualified name of the function a pool work item runs: ``item.fn`` before 3.14,
    ``item.task`` = (fn, args, kwargs) from 3.14 on."""
    fn = getattr(item, "fn", None)
    if fn is None:
        task = getattr(item, "task", None)
        fn = task[0] if type(task) is tuple and task else task
    args = getattr(fn, "args", ())  # functools.partial
    fn = getattr(fn, "func", fn)
    if args and type(getattr(fn, "__self__", None)) is contextvars.Context:
        # asyncio.to_thread: partial(ctx.run, func, ...)
        fn = args[0]
        fn = getattr(fn, "func", fn)
    return getattr(fn, "__qualname__", None)


def _holder_detail(lock, tasks_by_id_name):
    from ._locks import owner_of
    holder = owner_of(lock)
    if holder is None:
        try:
            locked = lock.locked()
        except Exception:  # noqa: BLE001
            locked = True
        return ("held by a task started before the agent" if locked else "free, about to be taken"), None
    name = tasks_by_id_name(holder)
    return ("held by %r" % name if name is not None else "held by task %d" % holder), holder


def wait_frame(links):
    """(kind, index in *links*) of the asyncio frame that says what the chain waits on, or
    (None, None). Depends only on the chain's code objects (callers cache it per chain)."""
    kind = index = None
    for i in range(len(links) - 1, -1, -1):
        code = links[i][1].f_code
        if not _tracker.is_internal_code(code):
            break
        k = _WAIT_CODES.get(id(code))
        if k is not None and (kind is None or k in _OVERRIDING):
            kind, index = k, i
    return kind, index


def classify(task, links, fut, ctx, name_of=lambda tid: None):
    """(waiting dict, comparison key) for a suspended task.

    *links* is ``_chains.walk_chain(task._coro)``; *name_of(id)* gives a live task's
    name (for "held by 'writer'").
    """
    kind, index = wait_frame(links)
    return classify_at(task, kind, links[index] if index is not None else (None, None), fut, ctx, name_of)


def classify_at(task, kind, link, fut, ctx, name_of=lambda tid: None):
    """:func:`classify` for a chain whose :func:`wait_frame` is known: its *kind* and
    *link*, the (object, frame) of that frame ((None, None) when there is none)."""
    frame_obj, frame = link
    detail = ""
    tids = []
    key_detail = None
    deadline = None  # loop clock
    extra = {}
    if kind == "sleep":
        h = local(frame_obj, frame, "h")
        if h is not None:
            try:
                deadline = h.when()
                key_detail = deadline
            except Exception:  # noqa: BLE001
                deadline = None
    elif kind in ("queue.get", "queue.put"):
        q = local(frame_obj, frame, "self")
        detail = _queue_detail(q)
    elif kind == "queue.join":
        q = local(frame_obj, frame, "self")
        try:
            detail = "%s unfinished" % _plural(q._unfinished_tasks, "item")
        except Exception:  # noqa: BLE001
            detail = "unfinished items"
    elif kind == "lock":
        lock = local(frame_obj, frame, "self")
        if lock is not None:
            detail, holder = _holder_detail(lock, name_of)
            if holder is not None:
                extra["holder"] = holder
                tids = [holder]  # not an awaited-by edge: _graph skips lock waits
    elif kind in FIXED_DETAILS:
        detail = FIXED_DETAILS[kind]
    elif kind == "barrier":
        b = local(frame_obj, frame, "self")
        try:
            detail = "%d/%d arrived" % (b.n_waiting, b.parties)
        except Exception:  # noqa: BLE001
            detail = "barrier"
    elif kind == "taskgroup":
        tg = local(frame_obj, frame, "self")
        if tg is not None:
            tids = sorted(_task_ids(getattr(tg, "_tasks", ())))
            detail = "%s left" % _plural(len(tids), "task")
    elif kind == "wait_for":
        inner = local(frame_obj, frame, "fut")
        if isinstance(inner, _Task):
            tids = _task_ids([inner])
        elif isinstance(fut, _Task):
            tids = _task_ids([fut])
        if tids and isinstance(inner, _Task):
            detail = "%r" % safe_name(inner)
    elif kind == "wait":
        fs = local(frame_obj, frame, "fs")
        if fs is not None:
            tids = sorted(_task_ids(fs))
            try:
                ndone = sum(1 for f_ in list(fs) if f_.done())
                detail = "%d/%d done" % (ndone, len(fs))
            except Exception:  # noqa: BLE001
                detail = "%s" % _plural(len(tids), "task")
            rw = local(frame_obj, frame, "return_when")
            if isinstance(rw, str) and rw != "ALL_COMPLETED":
                detail += ", %s" % rw
        else:
            detail = "wait"
    elif kind == "as_completed":
        it = local(frame_obj, frame, "self")
        todo = getattr(it, "_todo", None) if it is not None else None
        if todo is not None:
            tids = sorted(_task_ids(todo))
            detail = "%s pending" % _plural(len(todo), "awaitable")
        else:
            detail = "next to complete"
    elif kind == "thread":
        detail = _thread_detail(fut, ctx, extra) or ""
    elif kind is not None:
        detail = type(local(frame_obj, frame, "self")).__name__
    elif fut is None:
        kind = "runnable"
        detail = "ready to run"
    elif isinstance(fut, _Task):
        kind = "task"
        tids = _task_ids([fut])
        detail = "%r" % safe_name(fut)
    elif _GatheringFuture is not None and isinstance(fut, _GatheringFuture):
        kind = "gather"
        tids = _gather_children(fut)
        try:
            children = list(fut._children)
            detail = "%d/%d done" % (sum(1 for c in children if c.done()), len(children))
        except Exception:  # noqa: BLE001
            detail = "gather"
    else:
        shield_cb = _callback_named(fut, _SHIELD_OUTER)
        if shield_cb is not None:
            kind = "shield"
            inner = _closure_var(shield_cb, "inner")
            if isinstance(inner, _Task):
                tids = _task_ids([inner])
                detail = "%r" % safe_name(inner)
            else:
                detail = type(inner).__name__
        else:
            chained = _callback_named(fut, _CHAINED)
            if chained is not None:
                kind = "thread"
                detail = _thread_detail(fut, ctx, extra, chained) or ""
            else:
                kind = "future"
                detail = type(fut).__name__
    # An asyncio.timeout() around the wait, or wait_for's (3.10/3.11) or wait's own.
    tmo = ctx.timeout_of(task)
    if tmo is None and kind in ("wait_for", "wait"):
        tmo = _handle_when(local(frame_obj, frame, "timeout_handle"))
    if tmo is not None:
        if kind == "future":
            kind = "timeout"
            detail = ""
        if deadline is None or tmo < deadline:
            deadline = tmo
        key_detail = (key_detail, tmo)
    waiting = {"kind": kind, "detail": detail, "tasks": tids}
    if deadline is not None:
        try:
            waiting["deadline"] = ctx.epoch_of(task._loop, deadline)
            if tmo is not None:
                waiting["timeout"] = ctx.epoch_of(task._loop, tmo)
        except Exception:  # noqa: BLE001
            pass
    if extra:
        waiting.update(extra)
    key = (kind, detail if key_detail is None else key_detail, tuple(tids), extra.get("holder"))
    return waiting, key


def _handle_when(handle):
    """Loop-clock time of a pending TimerHandle, else None."""
    try:
        if handle is not None and not handle.cancelled():
            return handle.when()
    except Exception:  # noqa: BLE001
        pass
    return None


def _queue_detail(q):
    if q is None:
        return ""
    try:
        size, maxsize = q.qsize(), q.maxsize
        text = "%d/%s" % (size, maxsize if maxsize > 0 else "\u221e")
        name = type(q).__name__
        return text if name == "Queue" else "%s %s" % (name, text)
    except Exception:  # noqa: BLE001
        return type(q).__name__


def _thread_detail(fut, ctx, extra, chained=None):
    if chained is None:
        chained = _callback_named(fut, _CHAINED) if fut is not None else None
    source = _closure_var(chained, "source") if chained is not None else None
    if not isinstance(source, concurrent.futures.Future):
        return None
    hit = ctx.thread_of(source)
    if hit is None:
        # No worker runs it: not started yet, or done while the loop did not take the
        # result (it is paused, or busy). A running one without a stack: between frames.
        seen = _worker_of(source)
        if seen is not None and isinstance(seen[1], str):
            extra["work"] = seen[1]
        if source.done():
            extra["work_state"] = "done"
            if seen is not None:
                extra["thread"] = seen[0]
                return "%r finished %s()" % (seen[0], seen[1] or "its work")
            return "finished"
        if source.running():
            extra["work_state"] = "running"
            return "running"
        extra["work_state"] = "queued"
        return "queued"
    name, stack, fn_name = hit
    extra["thread"] = name
    extra["stack"] = stack[-20:]
    extra["work_state"] = "running"
    if isinstance(fn_name, str):
        extra["work"] = fn_name
    where = ""
    for fr in reversed(stack):
        if not _tracker._internal_files.get(fr["file"]) and "/threading.py" not in fr["file"] \
                and "/concurrent/" not in fr["file"]:
            where = " in %s (%s:%d)" % (fr["name"], fr["file"].rsplit("/", 1)[-1], fr["line"])
            break
    if not where and stack:
        where = " in %s" % stack[-1]["name"]
    elif not where and isinstance(fn_name, str):
        where = " in %s()" % fn_name
    return "%r%s" % (name, where)
