"""The await graph between live tasks: awaited-by edges and cycles (deadlocks).

Edges go from a waiting task to what it waits for: the tasks of its ``waiting_on``
(another task, gather's children, a TaskGroup's tasks, shield's inner task, wait/wait_for
operands) and, for a lock, the task holding it (``waiting_on.holder``). ``awaited_by`` is
the inverse of the ``tasks`` edges except a lock's (whose ``tasks`` is ``[holder]``: the
holder is not awaited, it is waited for). Cycles
use both kinds: two tasks awaiting each other, or a lock-order deadlock (A holds L1 and
waits for L2, B holds L2 and waits for L1).

On 3.14+, asyncio records awaited-by edges itself (``future._asyncio_awaited_by``, a
set of the tasks awaiting the future, or None). Where a task's type has that attribute,
:func:`awaited_by` starts from asyncio's edges and adds the inferred ones they lack
(asyncio records them through ``future_add_to_awaited_by``, but a task subclass or
another Task implementation may not). A test checks, on 3.14+, that the edges agree with
``asyncio.capture_call_graph`` for every kind of wait.
"""

__all__ = ["awaited_by", "find_cycles", "native_awaited_by", "native_edges"]

_native_types = {}  # type -> True if its instances carry _asyncio_awaited_by (3.14+)


def native_edges(task):
    """asyncio's own awaited-by ids for *task* (3.14+), or None where it keeps none.

    Decided per type (a dict lookup) so that before 3.14 each task costs no failed
    attribute lookup."""
    t = type(task)
    has = _native_types.get(t)
    if has is None:
        has = _native_types[t] = hasattr(t, "_asyncio_awaited_by")
    return native_awaited_by(task) if has else None


def awaited_by(infos, native=None):
    """{task id: sorted ids of the tasks that await it} from the live infos.

    *native*: {task id: ids from :func:`native_edges`} for the tasks that have them."""
    out = {}
    if native:
        for tid, ids in native.items():
            if ids:
                out[tid] = list(ids)
    for info in infos:
        waiting = info["waiting_on"]
        if waiting and waiting["tasks"] and waiting.get("holder") is None:
            me = info["id"]
            for tid in waiting["tasks"]:
                lst = out.get(tid)
                if lst is None:
                    out[tid] = [me]
                elif me not in lst:
                    lst.append(me)
    for lst in out.values():
        lst.sort()
    return out


def _edges(infos, live):
    if live is None:
        live = {info["id"] for info in infos}
    edges = {}
    for info in infos:
        waiting = info["waiting_on"]
        if not waiting:
            continue
        targets = [t for t in waiting["tasks"] if t in live]  # a lock's holder is its only "task"
        if targets:
            edges[info["id"]] = targets
    return edges


def find_cycles(infos, limit=100, live=None):
    """Await cycles among the live tasks, each a list of ids in edge order.

    Each strongly connected component with more than one task (or a task waiting for a
    lock it holds itself) gives one cycle, starting at its smallest id. *live*: the ids
    of every live task (anything with ``in``), when *infos* are only those that wait
    for other tasks; by default the ids of *infos*.
    """
    edges = _edges(infos, live)
    if not edges:
        return []
    index = {}
    low = {}
    on_stack = set()
    stack = []
    sccs = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        # Iterative Tarjan: work items are (node, iterator over its successors).
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges.get(root, ())))]
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in edges.get(node, ()):
                    sccs.append(comp)
    cycles = [_order(comp, edges) for comp in sccs]
    cycles.sort()
    return cycles[:limit]


def _order(comp, edges):
    """The component as a path along its edges from its smallest id (as far as it goes)."""
    members = set(comp)
    start = min(comp)
    path = [start]
    seen = {start}
    node = start
    while True:
        nxt = None
        for t in edges.get(node, ()):
            if t in members and t not in seen:
                nxt = t
                break
        if nxt is None:
            break
        path.append(nxt)
        seen.add(nxt)
        node = nxt
    path.extend(sorted(members - seen))
    return path


def native_awaited_by(fut):
    """Ids of the tasks that 3.14's asyncio records as awaiting *fut*, or None before 3.14."""
    try:
        waiters = fut._asyncio_awaited_by
    except AttributeError:
        return None
    if not waiters:
        return []
    from ._tracker import task_id
    out = []
    for w in list(waiters):
        tid = task_id(w)
        if tid is not None:
            out.append(tid)
    return sorted(out)
