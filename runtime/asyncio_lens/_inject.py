"""The agent started inside a program that is already running (attach by PID, 3.14+).

``python -m asyncio_lens attach PID`` (``_remote``) has CPython run a short script on the
program's main thread (``sys.remote_exec``, PEP 768). The script imports this module and
calls :func:`start` or :func:`dump`, which answer through a reply file in the attacher's
private directory. Nothing here may raise into the program: every fault becomes a reply.

:func:`start` installs what ``python -m asyncio_lens run --listen`` would have installed
(tracker, agent, debugger), adopts the event loops already running, and opens a loopback
listener with a new one-time token for one debugger. A later attach reuses the agent
and opens a new listener (closing one still unused). The agent stays until the program
exits.

:func:`dump` answers ``python -m asyncio_lens ps|pstree PID``: the agent's snapshot, keyed
by the tasks' addresses, which CPython's own tools show as task ids.
"""

import atexit
import json
import logging
import os
import secrets
import sys
import threading

from . import _agent, _server, _snapshot, _tracker

__all__ = ["start", "dump"]

_log = logging.getLogger(__name__)
_waiting = []  # the stop event of the listener still waiting for its debugger (at most one)
_LOOP_FRAMES = ("run_forever", "_run_once", "run_until_complete")


def _reply(path, answer):
    """Write *answer* as JSON to *path*, atomically (the attacher polls for the file)."""
    tmp = path + ".part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(answer, f)
    os.replace(tmp, path)


def _running_loops():
    """Event loops running on any thread now, found on the threads' stacks."""
    import asyncio

    found = []
    for top in sys._current_frames().values():
        f = top
        while f is not None:
            if f.f_code.co_name in _LOOP_FRAMES:
                try:
                    me = f.f_locals.get("self")
                except Exception:  # noqa: BLE001
                    me = None
                if isinstance(me, asyncio.AbstractEventLoop) and me not in found:
                    found.append(me)
            f = f.f_back
    return found


def _ensure_agent():
    """The process's agent with a debugger, started now if there is none."""
    agent = _agent.current()
    if agent is None:
        tracker = _tracker.Tracker()
        tracker.install()
        agent = _agent.Agent(tracker, _snapshot.Collector(tracker, tracker.history_size), _agent.threshold_from_env())
        # The watchdog starts once this (on the loop's thread) is done: it would report the
        # loop blocked by the attach itself.
        agent.start(watchdog=False)
        atexit.register(_finish, agent)
    tracker = agent.tracker
    for loop in _running_loops():
        tracker.adopt(loop)
    _adopt_tasks(tracker.loops())
    tracker.start_recording()
    agent.enable_timing()
    if agent.engine is None:
        from ._engine import Engine

        agent.engine = engine = Engine(tracker.loops)
        engine.start()  # on the main thread, where sys.remote_exec runs this
        atexit.register(engine.close)
    agent.start_watchdog()
    return agent


def _adopt_tasks(loops):
    """Give the tasks made before the attach what their TaskGroup tells: the group, and the
    group's task as their parent (the factory records both for tasks made later)."""
    from ._sites import _group_id, task_id

    for task in _snapshot.registry(loops):
        if getattr(task, "_lens_parent", None) is not None or getattr(task, "_lens_group", None) is not None:
            continue
        for entry in getattr(task, "_callbacks", None) or ():
            cb = entry[0] if type(entry) is tuple else entry
            tg = getattr(cb, "__self__", None)
            if getattr(cb, "__name__", None) == "_on_task_done" and hasattr(tg, "_parent_task"):
                try:
                    task._lens_group = _group_id(tg)
                    task._lens_parent = task_id(tg._parent_task)
                except Exception:  # noqa: BLE001 - a task that takes no attributes
                    pass
                break


def _finish(agent):
    for close in (agent.close, agent.tracker.close):
        try:
            close()
        except Exception:  # noqa: BLE001
            _log.exception("closing the agent failed")


def start(reply, host="127.0.0.1", port=0):
    """Start (or reuse) the agent and listen for one debugger; reply with the address and
    token, or with the error."""
    try:
        engine = getattr(_agent.current(), "engine", None)
        server = getattr(engine, "_server", None)
        if server is not None and not server.conn.closed:
            _reply(reply, {"error": "the program is already being debugged by Asyncio Lens"})
            return
        agent = _ensure_agent()
        listener = _server.listen(host, port)
        token = secrets.token_urlsafe(24)
        addr = listener.getsockname()
        for old in _waiting:  # an earlier attach nobody used: its token goes with it
            old.set()
        stop = threading.Event()
        _waiting[:] = [stop]
        threading.Thread(target=_accept, args=(listener, token, agent, stop), name="asyncio-lens-listen",
                         daemon=True).start()
        _reply(reply, {"token": token, "host": addr[0], "port": addr[1], "pid": os.getpid(),
                       "python": _snapshot.python_version()})
    except BaseException as exc:  # noqa: BLE001 - never into the program
        _log.exception("attach failed")
        try:
            _reply(reply, {"error": "%s: %s" % (type(exc).__name__, exc)})
        except Exception:  # noqa: BLE001
            pass


def _accept(listener, token, agent, stop):
    try:
        peer = _server.accept_with_token(listener, token, stop=stop)
    finally:
        listener.close()
        if stop in _waiting:
            _waiting.remove(stop)
    if peer is None:
        return
    server = _server.Server(peer.sock, agent.collector, token, peer)
    agent.serve(server)
    server.start_requested = True  # the program is running already
    server.start()


def dump(reply):
    """Reply with the agent's snapshot and ``{hex(id(task)): task id}``, or with
    ``{"agent": false}`` when no agent runs here."""
    try:
        agent = _agent.current()
        if agent is None:
            _reply(reply, {"agent": False})
            return
        snap = agent.collector.snapshot()
        # The address join is made here, where the tasks are: CPython's tools name tasks
        # by address.
        addresses = {hex(id(t)): getattr(t, "_lens_id", None) for t in _snapshot.registry(agent.tracker.loops())}
        _reply(reply, {"agent": True, "snapshot": snap, "addresses": addresses})
    except BaseException as exc:  # noqa: BLE001 - never into the program
        try:
            _reply(reply, {"agent": True, "error": "%s: %s" % (type(exc).__name__, exc)})
        except Exception:  # noqa: BLE001
            pass
