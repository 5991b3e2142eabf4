"""The ``--format tree`` text of a snapshot, readable like ``pstree``.

Tasks hang under their parent task; tasks of a TaskGroup hang under a ``TaskGroup #N``
line under the group's owner. Each task line reads::

    'name' coro() · state · what it waits on [· marks]

and the task's await chain follows, innermost last, one ``at`` line per frame. Marks:
``cancel requested ×N via MECHANISM by 'task' at file:line``, ``shielded``,
``awaited by 'x'``. Then come await cycles, a blocked loop with its stack, warnings, and
the failed or cancelled tasks of the history.
"""

import os
import time

__all__ = ["render_tree", "wait_words", "cancel_words"]

_HISTORY_SHOWN = 50


_STDLIB = os.path.dirname(os.__file__) + os.sep


def _short(path):
    if not path:
        return "?"
    if path.startswith(_STDLIB):
        return path[len(_STDLIB):]
    try:
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel
    except ValueError:
        pass
    return path


def _where(loc):
    return "%s:%s" % (_short(loc.get("file")), loc.get("line")) if loc else "?"


def _name(tasks, tid):
    t = tasks.get(tid)
    return "%r" % t["name"] if t is not None else "#%s" % tid


def _seconds(s):
    if s >= 3600:
        return "%d h %d min" % divmod(int(s) // 60, 60)
    if s >= 120:
        return "%d min %d s" % divmod(int(s), 60)
    return "%.1f s" % max(0.0, s)


def wait_words(w, now=None):
    """What a pending task waits on, in words ("waiting on sleep, 1.4 s left", "ready to run"):
    the kind, its detail, and the time left at *now* (epoch seconds; default: now) until the
    wait's deadline and its timeout (the wait carries times, never words that go stale)."""
    if not w:
        return ""
    if w["kind"] == "runnable":
        return "ready to run"
    words = "waiting on " + w["kind"] + (" " + w["detail"] if w.get("detail") else "")
    if now is None:
        now = time.time()
    deadline, timeout = w.get("deadline"), w.get("timeout")
    if deadline is not None and (timeout is None or deadline < timeout):
        words += ", %s left" % _seconds(deadline - now)
    if timeout is not None:
        words += ", timeout in %s" % _seconds(timeout - now)
    return words


def cancel_words(t, names):
    """The task's cancellation mark, or "" (*names*: {id: task info} for who asked)."""
    c = t.get("cancel")
    if not (c and (c["count"] or t["state"] == "cancelled")):
        return ""
    mark = "cancel requested"
    if c["count"] > 1:
        mark += " \u00d7%d" % c["count"]
    mark += " via %s" % c["via"]
    if c.get("by_task") is not None:
        mark += " by %s" % _name(names, c["by_task"])
    if c.get("site"):
        mark += " at %s" % _where(c["site"])
    if c.get("message"):
        mark += " (%r)" % c["message"]
    return mark


def _task_line(t, tasks, names=None, now=None):
    names = names or tasks
    parts = ["%r %s()" % (t["name"], t["coro"] or "?")]
    state = t["state"]
    w = t.get("waiting_on")
    if state == "pending" and w:
        parts.append(wait_words(w, now))
    elif state == "failed":
        parts.append("failed: %s" % t.get("exception"))
    else:
        parts.append(state)
    mark = cancel_words(t, names)
    if mark:
        parts.append(mark)
    if t.get("shielded"):
        parts.append("shielded")
    if t.get("awaited_by"):
        parts.append("awaited by " + ", ".join(_name(names, a) for a in t["awaited_by"]))
    parts.append("#%d" % t["id"])
    return " \u00b7 ".join(parts)


def render_tree(snap, elapsed=None):
    """The whole snapshot as text (ends with a newline)."""
    tasks = {t["id"]: t for t in snap.get("tasks", [])}
    names = {h["id"]: h for h in snap.get("history") or []}
    names.update(tasks)
    now = snap.get("time")
    out = []
    head = "asyncio-lens snapshot"
    if elapsed is not None:
        head += " at %.2f s" % elapsed
    head += " \u00b7 Python %s \u00b7 pid %s \u00b7 %d live task%s" % (
        snap.get("python"), snap.get("pid"), len(tasks), "" if len(tasks) == 1 else "s")
    out.append(head)
    children = {}
    for t in tasks.values():
        parent = t["parent"] if t["parent"] in tasks else None
        children.setdefault(parent, []).append(t)

    def emit(t, prefix, last):
        out.append(prefix + ("\u2514\u2500 " if last else "\u251c\u2500 ") + _task_line(t, tasks, names, now))
        sub = prefix + ("   " if last else "\u2502  ")
        kids = sorted(children.get(t["id"], []), key=lambda k: k["id"])
        rows = [("frame", f) for f in t.get("chain") or []]
        groups = {}
        for k in kids:
            if k.get("group") is not None:
                groups.setdefault(k["group"], []).append(k)
            else:
                rows.append(("task", k))
        for gid in sorted(groups):
            rows.append(("group", (gid, groups[gid])))
        for i, (kind, item) in enumerate(rows):
            is_last = i == len(rows) - 1
            if kind == "frame":
                out.append(sub + "\u2502    at %s (%s)" % (item["name"], _where(item))
                           if not is_last else sub + "     at %s (%s)" % (item["name"], _where(item)))
            elif kind == "task":
                emit(item, sub, is_last)
            else:
                gid, members = item
                out.append(sub + ("\u2514\u2500 " if is_last else "\u251c\u2500 ") + "TaskGroup #%d (%d task%s)" % (
                    gid, len(members), "" if len(members) == 1 else "s"))
                gsub = sub + ("   " if is_last else "\u2502  ")
                for j, m in enumerate(members):
                    emit(m, gsub, j == len(members) - 1)

    roots = sorted(children.get(None, []), key=lambda k: k["id"])
    for i, t in enumerate(roots):
        emit(t, "", i == len(roots) - 1)
    if not roots:
        out.append("(no live tasks)")
    for cyc in snap.get("cycles") or []:
        out.append("AWAIT CYCLE (deadlock): " + " -> ".join(_name(tasks, t) for t in cyc + cyc[:1]))
    b = snap.get("blocked")
    if b:
        out.append("EVENT LOOP BLOCKED since %.3f (task %s, thread %s):" % (
            b["since"], _name(tasks, b["task"]) if b.get("task") is not None else "none", b.get("thread")))
        for f in b.get("stack") or []:
            out.append("    at %s (%s)" % (f["name"], _where(f)))
    for w in snap.get("warnings") or []:
        who = " [%s]" % ("%r" % w["task_name"] if w.get("task_name") else "#%s" % w["task"]) \
            if w.get("task") is not None else ""
        out.append("warning: %s%s: %s" % (w["kind"], who, w["message"]))
    hist = [h for h in snap.get("history") or [] if h["state"] in ("failed", "cancelled")]
    if hist:
        out.append("finished badly (last %d):" % min(len(hist), _HISTORY_SHOWN))
        for h in hist[-_HISTORY_SHOWN:]:
            out.append("   " + _task_line(h, tasks, names))
    return "\n".join(out) + "\n"
