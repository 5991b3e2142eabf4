"""The runtime against a fake debug adapter: hello, requests, deltas, snapshot, the end.

Every wait is for an event (a message, a process exit); timeouts are only upper bounds.
"""

import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from asyncio_lens import _jsonrpc, _server
from asyncio_lens._protocol import (
    COMPACT_FRAME,
    COMPACT_SITE,
    COMPACT_SNAPSHOT_KEYS,
    COMPACT_TASKS_CHANGED_KEYS,
    COMPACT_TASK_FIELDS,
    COMPACT_WAITING,
    SNAPSHOT_KEYS,
)
from conftest import PROGRAMS, TIMEOUT, TaskView, env_for_runtime, marker_line, run_lens

HAS_TG = sys.version_info >= (3, 11)
TREE = os.path.join(PROGRAMS, "tree.py")
PY = "%d.%d.%d" % sys.version_info[:3]


def start(adapter, program, *args, subscribe=50, **popen):
    """Spawn, check hello, initialize, subscribe; return the first (reset) delta."""
    adapter.spawn(program, *args, **popen)
    adapter.accept()
    hello = adapter.next_message()
    assert hello == {"jsonrpc": "2.0", "method": "hello", "params": {
        "token": adapter.token, "version": 1, "pid": adapter.proc.pid, "python": PY}}
    init = adapter.request("initialize", {"clientName": "pytest \u2713"})
    assert init["result"] == {"version": 1, "pid": adapter.proc.pid, "python": PY}
    if subscribe is None:
        return None
    assert adapter.request("tasks/subscribe", {"intervalMs": subscribe})["result"] == {}
    first = adapter.wait_notification(lambda m: m["method"] == "tasks/changed")
    assert first["params"]["reset"] is True
    return first


def test_full_session_with_task_tree(adapter):
    view = TaskView()
    first = start(adapter, "tree.py")
    view.apply(first["params"])
    assert view.live == {}  # the program has not started: no task yet
    assert adapter.request("program/start", {})["result"] == {}

    expected = {"sleeper": "sleep", "consumer": "queue.get", "awaiter": "task", "release": "thread",
                "worker-1": "event", "worker-2": "event"}

    def complete(msg):
        if msg["method"] != "tasks/changed":
            return False
        view.apply(msg["params"])
        for name, kind in expected.items():
            t = view.by_name(name)
            if t is None or t["waiting_on"] is None or t["waiting_on"]["kind"] != kind:
                return False
        return True

    adapter.wait_notification(complete)
    assert sorted(first["params"]) == ["finished", "reset", "seq", "tasks", "time"]

    snap = adapter.request("tasks/snapshot")["result"]
    assert sorted(snap) == sorted(SNAPSHOT_KEYS)
    assert snap["version"] == 1 and snap["pid"] == adapter.proc.pid and snap["python"] == PY
    tasks = {t["name"]: t for t in snap["tasks"]}
    main = [t for t in snap["tasks"] if t["coro"] == "main"]
    assert len(main) == 1
    main = main[0]
    assert main["parent"] is None
    assert main["created_at"] == {"file": TREE, "line": marker_line("tree.py", "run")}
    for name in expected:
        t = tasks[name]
        assert t["state"] == "pending", name
        assert t["parent"] == main["id"], name
        assert t["created_at"]["file"] == TREE, name
        user_frames = [f for f in t["chain"] if f["file"] == TREE]
        assert user_frames, name
        marker = "worker" if name.startswith("worker") else name
        assert user_frames[-1]["line"] == marker_line("tree.py", marker), name
    assert tasks["sleeper"]["chain"][-1]["name"] == "sleep"
    assert tasks["sleeper"]["waiting_on"]["deadline"] > 0
    assert tasks["awaiter"]["waiting_on"]["tasks"] == [tasks["sleeper"]["id"]]
    assert tasks["sleeper"]["awaited_by"] == [tasks["awaiter"]["id"]]
    workers = sorted([tasks["worker-1"]["id"], tasks["worker-2"]["id"]])
    main_user = [f for f in main["chain"] if f["file"] == TREE]
    assert main_user[-1]["line"] == marker_line("tree.py", "main-tg" if HAS_TG else "main-gather")
    if HAS_TG:
        assert main["waiting_on"]["kind"] == "taskgroup"
        assert main["waiting_on"]["tasks"] == workers
        assert tasks["worker-1"]["group"] is not None
        assert tasks["worker-1"]["group"] == tasks["worker-2"]["group"]
    else:
        assert main["waiting_on"]["kind"] == "gather"
        assert sorted(main["waiting_on"]["tasks"]) == workers
        assert tasks["worker-1"]["group"] is None
    for w in ("worker-1", "worker-2"):
        assert tasks[w]["awaited_by"] == [main["id"]]
    hist = {h["name"]: h for h in snap["history"]}
    assert hist["bad-repr"]["state"] == "failed"
    assert hist["bad-repr"]["exception"] == "BadRepr: <str() of BadRepr failed>"

    # Let the program finish, and collect what the runtime reports until it hangs up.
    adapter.proc.stdin.write(b"go\n")
    adapter.proc.stdin.flush()
    for msg in adapter.drain_until_eof():
        if msg.get("method") == "tasks/changed":
            view.apply(msg["params"])
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 0, err
    assert err == b""
    changed = [m["params"] for m in adapter.notifications if m["method"] == "tasks/changed"]
    assert [p["seq"] for p in changed] == list(range(1, len(changed) + 1))
    assert [p["reset"] for p in changed] == [True] + [False] * (len(changed) - 1)
    gaps = [b["time"] - a["time"] for a, b in zip(changed, changed[1:-1])]
    assert all(g >= 0.045 for g in gaps), gaps  # at most one per intervalMs (50 ms)
    lines = out.decode().splitlines()
    assert lines[:2] == ["token in program: None", "token in child: None"]
    assert "consumer got: go" in lines and lines[-1] == "done"
    assert view.live == {}  # every task reported finished
    fin = {t["name"]: t for t in view.finished.values()}
    assert fin["worker-1"]["state"] == "done"
    assert fin["worker-2"]["state"] == "failed"
    assert fin["worker-2"]["exception"].startswith("ValueError: worker 2 failed: xxx")
    assert len(fin["worker-2"]["exception"]) <= 500
    assert fin["sleeper"]["state"] == "cancelled"
    assert fin["awaiter"]["state"] == "cancelled"
    assert fin["consumer"]["state"] == "done"
    assert fin["release"]["state"] == "done"
    main_fin = [t for t in view.finished.values() if t["coro"] == "main"]
    assert main_fin and main_fin[0]["state"] == "done"
    for t in view.finished.values():
        assert t["chain"] == [] and t["waiting_on"] is None


def _expand(strings, chains, row):
    """A compact task array back into a dict (the adapter's decoder, in brief)."""
    t = dict(zip(COMPACT_TASK_FIELDS, row))
    t["state"], t["coro"] = strings[t["state"]], strings[t["coro"]]
    if t["created_at"] is not None:
        t["created_at"] = dict(zip(COMPACT_SITE, (strings[t["created_at"][0]], t["created_at"][1])))
    t["chain"] = [dict(zip(COMPACT_FRAME, (strings[n], strings[f], ln))) for n, f, ln in chains[t["chain"]]]
    w = t["waiting_on"]
    if w is not None:
        t["waiting_on"] = dict(zip(COMPACT_WAITING, (strings[w[0]], w[1], w[2])), **(w[3] if len(w) > 3 else {}))
    return t


def test_compact_subscription_and_snapshot(adapter):
    start(adapter, "tree.py", subscribe=None)
    bad = adapter.request("tasks/subscribe", {"intervalMs": 50, "compact": "yes"})
    assert bad["error"]["code"] == _jsonrpc.INVALID_PARAMS
    assert adapter.request("tasks/subscribe", {"intervalMs": 50, "compact": True})["result"] == {}
    first = adapter.wait_notification(lambda m: m["method"] == "tasks/changed")["params"]
    assert sorted(first) == sorted(COMPACT_TASKS_CHANGED_KEYS)
    assert first["reset"] is True and first["tasks"] == [] and first["strings"] == [] and first["chains"] == []
    assert adapter.request("program/start", {})["result"] == {}
    strings, chains, view = [], [], TaskView()

    def complete(msg):
        if msg["method"] != "tasks/changed":
            return False
        params = msg["params"]
        assert params["reset"] is False
        strings.extend(params["strings"])
        chains.extend(params["chains"])
        assert len(set(strings)) == len(strings)  # each string sent once
        assert len(set(map(repr, chains))) == len(chains)  # each chain sent once
        view.apply(dict(params, tasks=[_expand(strings, chains, r) for r in params["tasks"]],
                        finished=[_expand(strings, chains, r) for r in params["finished"]]))
        return all(view.by_name(n) is not None and view.by_name(n)["waiting_on"] is not None
                   for n in ("sleeper", "consumer", "worker-1"))

    adapter.wait_notification(complete)
    full = adapter.request("tasks/snapshot")["result"]
    compact = adapter.request("tasks/snapshot", {"compact": True})["result"]
    assert sorted(compact) == sorted(COMPACT_SNAPSHOT_KEYS)
    expanded = {t["name"]: t for t in (_expand(compact["strings"], compact["chains"], r) for r in compact["tasks"])}
    stable = ("id", "state", "parent", "group", "coro", "created_at", "chain", "awaited_by")
    for t in full["tasks"]:
        assert {k: expanded[t["name"]][k] for k in stable} == {k: t[k] for k in stable}, t["name"]
        assert view.live[t["id"]]["chain"] == t["chain"]
    assert expanded["sleeper"]["waiting_on"]["kind"] == "sleep"
    assert "deadline" in expanded["sleeper"]["waiting_on"]
    assert len(_jsonrpc.dumps(compact)) < len(_jsonrpc.dumps(full)) / 2
    adapter.proc.stdin.write(b"go\n")
    adapter.proc.stdin.flush()
    adapter.drain_until_eof()
    adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 0


def test_program_waits_for_program_start_and_errors(adapter):
    start(adapter, "argv_check.py", "x", subscribe=None)
    assert adapter.proc.poll() is None  # still waiting for program/start
    r = adapter.request("no/such/method", {})
    assert r["error"]["code"] == _jsonrpc.METHOD_NOT_FOUND
    r = adapter.request("tasks/subscribe", {"intervalMs": "fast"})
    assert r["error"]["code"] == _jsonrpc.INVALID_PARAMS
    r = adapter.request("initialize", [1, 2])
    assert r["error"]["code"] == _jsonrpc.INVALID_PARAMS
    adapter.send({"jsonrpc": "2.0", "method": "some/notification"})  # ignored
    bad = b"{not json"
    adapter.sock.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(bad), bad))
    err = adapter.next_message()
    assert err["id"] is None and err["error"]["code"] == _jsonrpc.PARSE_ERROR
    snap = adapter.request("tasks/snapshot")["result"]
    assert snap["tasks"] == [] and snap["history"] == []
    assert adapter.request("program/start")["result"] == {}
    adapter.drain_until_eof()
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 0, err
    assert b'"token": null' in out
    assert b'"argv": [\n  "%s",\n  "x"\n ]' % TREE.replace("tree.py", "argv_check.py").encode() in out


def test_socket_drop_while_running_does_not_disturb_the_program(adapter):
    start(adapter, "drop.py")
    adapter.request("program/start", {})
    assert adapter.proc.stdout.readline() == b"started\n"
    adapter.sock.shutdown(socket.SHUT_RDWR)
    adapter.sock.close()
    adapter.sock = None
    adapter.proc.stdin.write(b"\n")
    adapter.proc.stdin.flush()
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 0
    assert out == b"finished 20\n"
    assert err == b""


def test_adapter_gone_before_start_exits_2(adapter):
    start(adapter, "normal.py", subscribe=None)
    adapter.sock.shutdown(socket.SHUT_RDWR)
    adapter.sock.close()
    adapter.sock = None
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 2
    assert out == b""
    assert err.decode().startswith("asyncio-lens: the debugger at 127.0.0.1:%d closed the connection" % adapter.port)


def test_exit_code_and_traceback_pass_through_with_a_debugger(adapter):
    start(adapter, "uncaught_async.py")
    adapter.request("program/start", {})
    msgs = adapter.drain_until_eof()
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 1
    plain = subprocess.run([sys.executable, os.path.join(PROGRAMS, "uncaught_async.py")],
                           capture_output=True, cwd=PROGRAMS, timeout=TIMEOUT)
    assert err == plain.stderr
    finished = [t for m in msgs if m.get("method") == "tasks/changed" for t in m["params"]["finished"]]
    states = {t["coro"]: t["state"] for t in finished}
    assert states.get("child") == "failed"
    assert states.get("main") == "failed"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_forked_child_leaves_the_connection_alone(adapter):
    start(adapter, "fork_child.py")
    adapter.request("program/start", {})
    msgs = adapter.drain_until_eof()  # the parser raises on any corrupted frame
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 0, err
    assert err == b""  # no "multi-threaded fork" warning because of the runtime's thread
    assert sorted(out.decode().splitlines()) == ["child", "parent saw child exit 0"]
    assert all(m.get("method") == "tasks/changed" for m in msgs)
    finished = [t for m in msgs for t in m["params"]["finished"]]
    assert any(t["coro"] == "main" and t["state"] == "done" for t in finished)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_fork_warning_of_a_threaded_program_is_kept(adapter):
    start(adapter, "fork_child.py", "--thread")
    adapter.request("program/start", {})
    adapter.drain_until_eof()
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    plain = subprocess.run([sys.executable, os.path.join(PROGRAMS, "fork_child.py"), "--thread"],
                           capture_output=True, cwd=PROGRAMS, timeout=TIMEOUT)
    pid = re.compile(rb"pid=\d+")
    assert pid.sub(b"pid=N", err) == pid.sub(b"pid=N", plain.stderr)
    assert (b"multi-threaded" in err) == (sys.version_info >= (3, 12))


def _until_child_loop_breaks(proc):
    """stderr of *proc* (a fork_child.py --sys-exit on 3.14+) up to the child's RuntimeError
    from leaving its task; the parent, still in waitpid, and the child are then killed."""
    lines = []
    for line in iter(proc.stderr.readline, b""):
        lines.append(line)
        if b"is not the running loop" in line:
            break
    alive = proc.poll() is None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(TIMEOUT)
    return b"".join(lines), alive


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
def test_sys_exit_in_a_forked_childs_task_ends_as_under_plain_python(adapter):
    """What CPython does: up to 3.13 the child's SystemExit leaves the task and the child exits
    0; from 3.14 on the child's task cannot be left ("loop ... is not the running loop") and
    the child hangs, so the parent hangs in waitpid. The agent adds nothing to either."""
    args = [os.path.join(PROGRAMS, "fork_child.py"), "--sys-exit"]
    with subprocess.Popen([sys.executable] + args, cwd=PROGRAMS, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True) as plain:
        _sys_exit_in_forked_child(adapter, plain)


def _sys_exit_in_forked_child(adapter, plain):
    start(adapter, "fork_child.py", "--sys-exit", start_new_session=True)
    adapter.request("program/start", {})
    addr = re.compile(rb"0x[0-9a-f]+")
    if sys.version_info < (3, 14):
        out, err = plain.communicate(timeout=TIMEOUT)
        assert plain.returncode == 0 and err == b""
        assert sorted(out.decode().splitlines()) == ["child", "parent saw child exit 0"]
        adapter.drain_until_eof()
        lens_out, lens_err = adapter.proc.communicate(timeout=TIMEOUT)
        assert (adapter.proc.returncode, lens_out, lens_err) == (0, out, err)
        return
    err, alive = _until_child_loop_breaks(plain)
    assert alive, "plain CPython's parent ended: the 3.14+ hang this test states is gone"
    assert plain.stdout.read() == b"child\n"
    lens_err, lens_alive = _until_child_loop_breaks(adapter.proc)
    assert lens_alive
    assert adapter.proc.stdout.read() == b"child\n"
    assert addr.sub(b"0x", lens_err) == addr.sub(b"0x", err)


def test_cannot_connect_exits_2():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    r = run_lens(["--connect", "127.0.0.1:%d" % port, "normal.py"],
                 env=env_for_runtime({"ASYNCIO_LENS_TOKEN": "t"}))
    assert r.returncode == 2
    assert r.stdout == b""
    err = r.stderr.decode()
    assert err.startswith("asyncio-lens: cannot connect to the debugger at 127.0.0.1:%d: " % port)
    assert err.count("\n") == 1


def test_non_loopback_host_is_refused():
    r = run_lens(["--connect", "192.0.2.1:9", "normal.py"], env=env_for_runtime({"ASYNCIO_LENS_TOKEN": "t"}))
    assert r.returncode == 2
    assert "not a loopback address" in r.stderr.decode()
    assert r.stderr.decode().startswith("asyncio-lens: cannot connect to the debugger at 192.0.2.1:9: ")


def test_connect_without_token_is_an_error(adapter):
    r = run_lens(["--connect", "127.0.0.1:%d" % adapter.port, "normal.py"])
    assert r.returncode == 2
    assert "ASYNCIO_LENS_TOKEN" in r.stderr.decode()


@pytest.mark.parametrize("address", ["nonsense", "127.0.0.1:notaport", "127.0.0.1:70000"])
def test_bad_connect_address_is_a_usage_error(address):
    r = run_lens(["--connect", address, "normal.py"], env=env_for_runtime({"ASYNCIO_LENS_TOKEN": "t"}))
    assert r.returncode == 2
    assert r.stderr.decode().startswith("asyncio-lens: error:")


def test_a_request_sent_in_the_same_bytes_as_hello_is_answered():
    """The adapter sends initialize right behind hello; both can arrive in one recv()."""
    listener = _server.listen("127.0.0.1", 0)
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    peer = None
    try:
        hello = _jsonrpc.encode({"jsonrpc": "2.0", "method": "hello", "params": {"token": "t0k"}})
        ping = _jsonrpc.encode({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}})
        client.sendall(hello + ping)
        peer = _server.accept_with_token(listener, "t0k", hello_timeout=5.0)
        assert peer is not None
        assert [m.get("method") for m in peer.pending] == ["initialize"]
    finally:
        listener.close()
        client.close()
        if peer is not None:
            peer.sock.close()
