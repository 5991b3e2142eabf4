"""A task's info: the JSON-serialisable dict with exactly the keys of
``_protocol.TASK_KEYS``, for live tasks, finished ones and finished-task records."""

import types

from . import _cancel, _tracker, _waits
from ._tracker import epoch, task_id

__all__ = ["NO_IDS", "EPOCH_OFFSET", "figures", "finished_info_from_task", "static_info", "cached_static",
           "info_of", "info_from_death"]

NO_IDS = []  # the shared empty awaited_by (never mutated)
EPOCH_OFFSET = _tracker._EPOCH_OFFSET
_CoroutineType = types.CoroutineType


def figures(info, timing_):
    created, first, steps, busy, last = timing_
    info["steps"] = steps
    info["busy_ms"] = round(busy * 1000.0, 3)
    info["created"] = epoch(created)
    info["first_run"] = epoch(first)
    return last


def finished_info_from_task(task):
    state, exc = _tracker._final_state(task)
    info = info_of(task, state, exc, [], None)
    last = figures(info, _tracker.timing(task))
    info["cancel"] = _cancel.cancel_json(_cancel.cancel_record(task), task, in_group_exit=True)
    info["finished"] = epoch(last)
    return info


def static_info(task):
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


def cached_static(cached):
    """The static part of a task's info from its previous entry, or None."""
    if cached is None:
        return None
    old = cached[3]
    return old["id"], old["parent"], old["group"], old["coro"], old["created_at"]


def info_of(task, state, exc, chain, waiting, static=None):
    tid, parent, group, coro, created_at = static or static_info(task)
    # Keys in the order of _protocol.TASK_KEYS.
    return {
        "id": tid,
        "name": _waits.safe_name(task),
        "state": state,
        "parent": parent,
        "group": group,
        "coro": coro,
        "created_at": created_at,
        "chain": chain,
        "waiting_on": waiting,
        "awaited_by": NO_IDS,
        "cancel": None,
        "exception": exc,
        "steps": 0,
        "busy_ms": 0.0,
        "created": None,
        "first_run": None,
        "finished": None,
        "shielded": False,
    }


def info_from_death(rec):
    tid, name, state, parent, group, coro, site, exc, timing_, cancel_rec = rec
    info = {
        "id": tid, "name": name, "state": state, "parent": parent, "group": group,
        "coro": coro or "", "created_at": _tracker.resolve_site(site), "chain": [], "waiting_on": None,
        "awaited_by": [], "cancel": _cancel.cancel_json(cancel_rec, None, in_group_exit=True),
        "exception": exc, "steps": 0, "busy_ms": 0.0, "created": None, "first_run": None,
        "finished": None, "shielded": False,
    }
    info["finished"] = epoch(figures(info, timing_))
    return info
