"""Cancellation requests, recorded by ``LensTask.cancel()``/``uncancel()``.

A record is a list kept in the task's ``_lens_cancel`` slot (plain data only):
``[first request (tracker clock), requests, by_task, via, site, message, uncancels,
last request, weak references to the TaskGroups that asked to cancel this, their parent]``. ``via`` names the mechanism from the immediate caller of ``cancel()``:

* ``taskgroup``: ``TaskGroup._abort`` (siblings) or ``_on_task_done`` (the parent);
* ``timeout``: ``asyncio.timeout``'s ``Timeout._on_timeout`` (and ``wait_for`` on 3.12+);
* ``gather``: ``_GatheringFuture.cancel``;
* ``wait_for``: ``wait_for`` itself (3.10/3.11);
* ``parent``: the cancel of the task that awaited this one (a cascade);
* ``shutdown``: ``asyncio.run`` cancelling what is left when the main task ends;
* ``interrupt``: ``asyncio.Runner`` on Ctrl+C;
* ``debugger``: a request through the runtime itself (``tasks/cancel``);
* ``user``: anything else (the program's own call).

The site is the first frame outside asyncio and this package, the requesting task
is ``current_task()`` (None for a loop callback or another thread).

The 3.11/3.12 TaskGroup quirk: when a child fails while the parent waits in
``TaskGroup.__aexit__``, the parent's ``cancelling()`` stays 1 after the group exits.
:func:`cancel_json` reports ``count`` from ``cancelling()`` minus those requests whose
group has already exited, so a consumer may show ``count > 0`` as "being cancelled".
"""

import asyncio
import sys
from asyncio import tasks as _tasks

__all__ = ["record_cancel", "record_uncancel", "cancel_record", "cancel_json", "unseen_cancel_json", "VIA"]

_getframe = sys._getframe
_current_task = _tasks.current_task
_PY311 = sys.version_info >= (3, 11)
_PY313 = sys.version_info >= (3, 13)
_TG_QUIRK = (3, 11) <= sys.version_info[:2] < (3, 13)

VIA = ("user", "taskgroup", "timeout", "gather", "wait_for", "parent", "shutdown", "interrupt", "debugger", "unseen")

# id(code) -> via, for the asyncio functions that cancel tasks. The code objects are
# kept in _CODES so that their ids stay theirs.
_VIA_BY_CODE = {}
_CODES = []
_PARENT_CANCEL_CODES = set()  # TaskGroup code that cancels the group's parent task


def _code(obj, *attrs):
    try:
        for a in attrs:
            obj = getattr(obj, a)
        return obj.__code__
    except AttributeError:
        return None


def _register(via, *paths):
    for obj, *attrs in paths:
        code = _code(obj, *attrs)
        if code is not None:
            _VIA_BY_CODE[id(code)] = via
            _CODES.append(code)


_register("taskgroup", (getattr(asyncio, "TaskGroup", None), "_abort"),
          (getattr(asyncio, "TaskGroup", None), "_on_task_done"),
          (getattr(asyncio, "TaskGroup", None), "__aexit__"),
          (getattr(asyncio, "TaskGroup", None), "_aexit"))
_on_task_done = _code(getattr(asyncio, "TaskGroup", None), "_on_task_done")
if _on_task_done is not None:
    _PARENT_CANCEL_CODES.add(id(_on_task_done))
_register("timeout", (sys.modules.get("asyncio.timeouts"), "Timeout", "_on_timeout"),
          (sys.modules.get("asyncio.timeouts"), "Timeout", "reschedule"))
_register("gather", (getattr(_tasks, "_GatheringFuture", None), "cancel"))
_register("wait_for", (_tasks, "wait_for"), (_tasks, "_cancel_and_wait"))
_register("shutdown", (sys.modules.get("asyncio.runners"), "_cancel_all_tasks"))
_register("interrupt", (getattr(asyncio, "Runner", None), "_on_sigint"),
          (getattr(asyncio, "Runner", None), "run"))


def _internal(code):
    from ._tracker import is_internal_code
    return is_internal_code(code)


_RUNTIME_PREFIX = __file__.rsplit("_cancel.py", 1)[0]


def _lens_cancel_code():
    from ._tracker import LensTask
    return LensTask.cancel.__code__


_parent_code = []


def record_cancel(task, msg):
    """Called by ``LensTask.cancel`` before the real cancel, for a pending task."""
    from ._tracker import _clock, task_id
    if not _parent_code:
        _parent_code.append(_lens_cancel_code())
    parent_code = _parent_code[0]
    now = _clock()
    f = _getframe(2)  # 0: here, 1: LensTask.cancel, 2: the caller
    via = None
    parent_group = None
    site = None
    n = 0
    while f is not None and n < 200:
        code = f.f_code
        if via is None:
            if code is parent_code:
                via = "parent"
            else:
                via = _VIA_BY_CODE.get(id(code))
                if via is not None and id(code) in _PARENT_CANCEL_CODES:
                    parent_group = _group_ref(f)
                elif code.co_filename.startswith(_RUNTIME_PREFIX):
                    via = "debugger"
                elif not _internal(code):
                    via = "user"
        if not _internal(code):
            site = (code, f.f_lasti)
            break
        f = f.f_back
        n += 1
    del f
    if via is None:
        via = "user"
    try:
        loop = task._loop
        requester = _current_task(loop)
    except Exception:  # noqa: BLE001 - another thread, a closed loop
        requester = None
    by = None if requester is None else task_id(requester)
    if isinstance(msg, str):
        message = msg if len(msg) <= 500 else msg[:499] + "\u2026"
    elif msg is None:
        message = None
    else:
        from ._tracker import _safe_text
        message = _safe_text(repr, msg)[:500]
    rec = getattr(task, "_lens_cancel", None)
    if rec is None:
        rec = [now, 1, by, via, site, message, 0, now, [] if parent_group is None else [parent_group]]
        try:
            task._lens_cancel = rec
        except (AttributeError, TypeError):
            pass
    else:
        # The latest request names who asked; the first one keeps its time.
        rec[1] += 1
        rec[2], rec[3], rec[4], rec[5], rec[7] = by, via, site, message, now
        if parent_group is not None:
            rec[8].append(parent_group)


def _group_ref(frame):
    """A weak reference to the TaskGroup whose ``_on_task_done`` is *frame* (or None)."""
    import weakref
    try:
        return weakref.ref(frame.f_locals["self"])
    except Exception:  # noqa: BLE001
        return None


def _group_exited(ref):
    """True once the TaskGroup is gone or has no task left while exiting: its request to
    cancel the parent was consumed (3.11/3.12 leave ``cancelling()`` at 1 then)."""
    if ref is None:
        return False
    tg = ref()
    if tg is None:
        return True
    try:
        return bool(tg._exiting) and not tg._tasks
    except Exception:  # noqa: BLE001
        return False


def record_uncancel(task):
    rec = getattr(task, "_lens_cancel", None)
    if rec is not None:
        rec[6] += 1


def cancel_record(task):
    """A copy of the task's cancel record, or None."""
    rec = getattr(task, "_lens_cancel", None)
    return None if rec is None else tuple(rec[:8]) + (list(rec[8]),)


def unseen_cancel_json(task):
    """The CancelInfo of a task that asyncio says is being cancelled though no request was
    recorded: it was made before the agent started (attach by PID) or by a program's task
    factory that is not ours. None otherwise. 3.13+ only: 3.11/3.12 leave ``cancelling()``
    at 1 after some TaskGroup exits, so there it is no evidence on its own."""
    if not _PY313:
        return None
    try:
        count = task.cancelling()
        if not count:
            return None
        message = task._cancel_message
    except Exception:  # noqa: BLE001
        return None
    return {"requested": None, "count": count, "by_task": None, "via": "unseen", "site": None,
            "message": message if isinstance(message, str) else None}


def cancel_json(rec, task=None, in_group_exit=False):
    """The protocol's CancelInfo for a record (None when no cancel was requested).

    *task* (a live task) gives ``cancelling()`` on 3.11+; *in_group_exit* says whether
    the task still waits in a ``TaskGroup.__aexit__`` (for the 3.11/3.12 quirk).
    """
    if rec is None:
        return None
    from ._tracker import epoch, resolve_site
    requests, uncancels = rec[1], rec[6]
    count = max(0, requests - uncancels)
    if task is not None and _PY311:
        try:
            count = task.cancelling()
        except Exception:  # noqa: BLE001
            pass
    if _TG_QUIRK and rec[8] and count > 0:
        count = max(0, count - sum(1 for ref in rec[8] if _group_exited(ref)))
    return {
        "requested": epoch(rec[0]),
        "count": count,
        "by_task": rec[2],
        "via": rec[3],
        "site": resolve_site(rec[4]),
        "message": rec[5],
    }
