"""Stacks of a stopped program: thread stacks with async call stacks, and task stacks.

A thread stopped inside an asyncio task shows the task's frames (innermost first), then a
label frame ``awaited by Task 'album'`` and the awaiting task's suspended coroutine
frames, and so on up to the root task; then a label for the event loop and the thread's
remaining frames (e.g. the ``asyncio.run(main())`` line). A suspended task's stack is
its coroutine chain (``task._coro`` -> ``cr_await``/``ag_await``/``gi_yieldfrom``; never
``get_coro()``, which crashes on 3.12.1) followed by the same awaited-by chain.

The runtime's own frames are never shown. Library frames (stdlib, asyncio, site-packages)
are left out when ``justMyCode``, and shown with the ``subtle`` hint otherwise.
"""

import asyncio

from . import _chains, _snapshot, _waits
from ._codeinfo import frame_name, is_runtime_file, is_user_file
from ._tracker import task_id

__all__ = ["FrameRef", "StackBuilder", "coro_frame", "awaiters_of", "innermost_user_frame",
           "find_task", "current_task_of_thread", "loop_of_thread", "task_label"]

_MAX_ASYNC_DEPTH = 64


class FrameRef:
    """What a frame id stands for: the frame, the line to show, the thread that owns it."""

    __slots__ = ("frame", "line", "ident", "label")

    def __init__(self, frame, line, ident, label=False):
        self.frame = frame
        self.line = line
        self.ident = ident
        self.label = label


def coro_frame(coro):
    for attr in ("cr_frame", "ag_frame", "gi_frame"):
        f = getattr(coro, attr, None)
        if f is not None:
            return f
    return None


def _safe_name(task):
    try:
        return str(task.get_name())
    except Exception:  # noqa: BLE001
        return "?"


def task_label(task):
    return "Task %r" % _safe_name(task)


def loop_of_thread(ident, loops):
    for loop in loops:
        if getattr(loop, "_thread_id", None) == ident:
            return loop
    return None


def current_task_of_thread(ident, loops):
    loop = loop_of_thread(ident, loops)
    if loop is None:
        return None
    try:
        return asyncio.current_task(loop)
    except Exception:  # noqa: BLE001
        return None


def find_task(tid, loops):
    for t in _snapshot.registry(loops):
        if getattr(t, "_lens_id", None) == tid:
            return t
    return None


def awaiters_of(task):
    """Tasks that wait for *task* (directly, through gather, a TaskGroup, wait_for, wait,
    shield), as the tracker's wait classification sees them."""
    tid = task_id(task)
    direct, other = [], []
    try:
        tasks = asyncio.all_tasks(task._loop)
        ctx = _waits.Context(())
    except Exception:  # noqa: BLE001
        return []
    for t in tasks:
        if t is task:
            continue
        fut = t._fut_waiter
        if fut is None:
            continue
        if fut is task:
            direct.append(t)
            continue
        try:
            links = _chains.walk_chain(t._coro)
            waiting, _key = _waits.classify(t, links, fut, ctx)
            if tid in waiting["tasks"] and waiting.get("holder") is None:  # a lock holder is not awaited
                other.append(t)
        except Exception:  # noqa: BLE001
            continue
    key = lambda t: getattr(t, "_lens_id", 0) or 0  # noqa: E731
    return sorted(direct, key=key) + sorted(other, key=key)


def innermost_user_frame(task, just_my_code):
    """The innermost suspended frame of *task*'s coroutine chain that may be stopped in."""
    try:
        links = _chains.walk_chain(task._coro)
    except Exception:  # noqa: BLE001
        return None
    for _obj, f in reversed(links):
        if is_user_file(f.f_code.co_filename, just_my_code):
            return f
    return None


class StackBuilder:
    """Builds FrameInfo lists, registering each frame in *handles*."""

    def __init__(self, handles, just_my_code):
        self.handles = handles
        self.jmc = just_my_code

    def _frame_info(self, frame, line, ident, owner=None):
        fn = frame.f_code.co_filename
        if is_runtime_file(fn):
            return None
        user = is_user_file(fn, True)
        if not user and self.jmc:
            return None
        fid = self.handles.add(FrameRef(frame, line, ident))
        info = {"id": fid, "name": frame_name(frame, owner), "file": fn, "line": line or 0, "column": 1}
        if not user:
            info["hint"] = "subtle"
        return info

    def label(self, text):
        fid = self.handles.add(FrameRef(None, 0, None, label=True))
        return {"id": fid, "name": text, "file": "", "line": 0, "column": 0, "hint": "label"}

    def _coroutine_frames(self, task, ident):
        out = []
        try:
            links = _chains.walk_chain(task._coro)
        except Exception:  # noqa: BLE001
            return out
        for obj, f in reversed(links):
            info = self._frame_info(f, f.f_lineno, ident, obj)
            if info is not None:
                out.append(info)
        return out

    def _awaited_by(self, task, seen):
        out = []
        depth = 0
        while task is not None and depth < _MAX_ASYNC_DEPTH:
            depth += 1
            awaiters = [t for t in awaiters_of(task) if id(t) not in seen]
            if not awaiters:
                break
            task = awaiters[0]
            seen.add(id(task))
            out.append(self.label("awaited by %s" % task_label(task)))
            out.extend(self._coroutine_frames(task, getattr(task._loop, "_thread_id", None)))
        return out

    def thread_stack(self, top, ident, task=None, thread_name=None, post_mortem=None):
        """Frames of a thread whose innermost frame is *top*.

        *post_mortem*: ``[(frame, line)]`` innermost first (a traceback) shown before the
        live frames, which then follow under a label.
        """
        out = []
        if post_mortem:
            for f, line in post_mortem:
                info = self._frame_info(f, line, ident)
                if info is not None:
                    out.append(info)
            if top is None:
                return out
            out.append(self.label("where the debugger noticed it"))
        task_top = coro_frame(task._coro) if task is not None else None
        f = top
        reached = False
        while f is not None:
            info = self._frame_info(f, f.f_lineno, ident)
            if info is not None:
                out.append(info)
            if task_top is not None and f is task_top:
                reached = True
                f = f.f_back
                break
            f = f.f_back
        if reached:
            out.extend(self._awaited_by(task, {id(task)}))
            rest = []
            while f is not None:
                info = self._frame_info(f, f.f_lineno, ident)
                if info is not None:
                    rest.append(info)
                f = f.f_back
            if rest:
                out.append(self.label("event loop of thread %s" % (thread_name or ident)))
                out.extend(rest)
        return out

    def task_stack(self, task):
        ident = getattr(task._loop, "_thread_id", None)
        out = self._coroutine_frames(task, ident)
        out.extend(self._awaited_by(task, {id(task)}))
        return out
