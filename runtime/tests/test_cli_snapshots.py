"""The terminal CLI: snapshots at times and at exit, formats, output, --listen attach."""

import json
import os
import re
import socket
import subprocess
import sys
import time

from asyncio_lens import _jsonrpc
from asyncio_lens._protocol import SNAPSHOT_KEYS, TASK_KEYS
from conftest import TIMEOUT, env_for_runtime, run_lens

def write_prog(tmp_path):
    p = tmp_path / "sleepers.py"
    p.write_text(
        "import asyncio\n"
        "async def nap(n):\n"
        "    await asyncio.sleep(n)\n"
        "async def main():\n"
        "    t = asyncio.create_task(nap(0.6), name='napper')\n"
        "    await asyncio.sleep(0.3)\n"
        "    await t\n"
        "    print('ok')\n"
        "asyncio.run(main())\n", encoding="utf-8")
    return str(p)


def test_snapshot_at_in_json_lines(tmp_path):
    prog = write_prog(tmp_path)
    out = tmp_path / "snaps.jsonl"
    r = run_lens(["--snapshot-at", "0.1", "--snapshot-at", "0.4", "--snapshot-on-exit", "--format", "json",
                  "--output", str(out), prog], cwd=str(tmp_path))
    assert r.returncode == 0 and r.stdout == b"ok\n" and r.stderr == b""
    snaps = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(snaps) == 3
    for s in snaps:
        assert list(s) == list(SNAPSHOT_KEYS)
        for t in s["tasks"] + s["history"]:
            assert list(t) == list(TASK_KEYS)
    napper = [t for t in snaps[0]["tasks"] if t["name"] == "napper"][0]
    assert napper["waiting_on"]["kind"] == "sleep" and napper["chain"][0]["name"] == "nap"
    assert napper["created_at"] == {"file": prog, "line": 5}
    assert snaps[-1]["tasks"] == [] and any(h["name"] == "napper" and h["state"] == "done"
                                            for h in snaps[-1]["history"])


def test_tree_to_stderr_by_default(tmp_path):
    prog = write_prog(tmp_path)
    r = run_lens(["--snapshot-at", "0.1", prog], cwd=str(tmp_path))
    assert r.returncode == 0 and r.stdout == b"ok\n"
    text = r.stderr.decode("utf-8")
    assert text.startswith("asyncio-lens snapshot at 0.10 s")
    assert re.search(r"'napper' nap\(\) \u00b7 waiting on sleep, 0\.\d s left", text)
    assert "at nap (sleepers.py:3)" in text


def test_usage_errors():
    for args in (["--format", "xml", "x.py"], ["--snapshot-at", "soon", "x.py"], ["--listen", "nowhere", "x.py"],
                 ["--blocked-ms", "-1", "x.py"]):
        r = run_lens(args)
        assert r.returncode == 2 and r.stderr.startswith(b"asyncio-lens: error:"), (args, r.stderr)


def test_listen_refuses_a_non_loopback_address(tmp_path):
    r = run_lens(["--listen", "8.8.8.8:0", write_prog(tmp_path)])
    assert r.returncode == 2 and b"loopback" in r.stderr


def _read_token(path, deadline):
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            if len(lines) == 2:
                return lines
        time.sleep(0.02)
    raise AssertionError("no token file")


def _frames(sock, want, timeout=TIMEOUT):
    parser = _jsonrpc.MessageParser()
    got = []
    sock.settimeout(timeout)
    while len(got) < want:
        data = sock.recv(65536)
        if not data:
            break
        got.extend(parser.feed(data))
    return got


def test_listen_waits_for_a_debugger_with_the_token(tmp_path):
    prog = write_prog(tmp_path)
    token_file = str(tmp_path / "token")
    proc = subprocess.Popen([sys.executable, "-m", "asyncio_lens", "run", "--listen", "127.0.0.1:0",
                             "--token-file", token_file, prog], cwd=str(tmp_path), env=env_for_runtime(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        token, where = _read_token(token_file, time.monotonic() + TIMEOUT)
        host, port = where.rsplit(":", 1)
        # A peer without the token is dropped; the runtime keeps listening.
        bad = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        bad.sendall(_jsonrpc.encode(_jsonrpc.notification("hello", {"token": "wrong"})))
        bad.settimeout(TIMEOUT)
        assert bad.recv(100) == b""
        bad.close()
        good = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        good.sendall(_jsonrpc.encode(_jsonrpc.notification("hello", {"token": token})))
        hello = _frames(good, 1)[0]
        assert hello["method"] == "hello" and hello["params"]["pid"] == proc.pid
        assert proc.poll() is None  # waits for program/start
        good.sendall(_jsonrpc.encode(_jsonrpc.request(1, "program/start", {})))
        out, err = proc.communicate(timeout=TIMEOUT)
        good.close()
        assert proc.returncode == 0 and out == b"ok\n"
        assert err.decode().startswith("asyncio-lens: listening on %s; token %s" % (where, token))
        assert oct(os.stat(token_file).st_mode & 0o777) == "0o600"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_no_wait_runs_at_once_and_a_debugger_attaches_later(tmp_path):
    # The program prints before any client exists, then parks a task on stdin (a worker
    # thread) until the test has attached and seen it.
    prog = tmp_path / "lingers.py"
    prog.write_text(
        "import asyncio, sys\n"
        "def read():\n"
        "    print('running', flush=True)\n"
        "    return sys.stdin.readline()\n"
        "async def linger():\n"
        "    return await asyncio.to_thread(read)\n"
        "async def main():\n"
        "    line = await asyncio.create_task(linger(), name='lingerer')\n"
        "    print('got', line.strip())\n"
        "asyncio.run(main())\n", encoding="utf-8")
    token_file = str(tmp_path / "token")
    proc = subprocess.Popen([sys.executable, "-m", "asyncio_lens", "run", "--listen", "127.0.0.1:0", "--no-wait",
                             "--token-file", token_file, str(prog)], cwd=str(tmp_path), env=env_for_runtime(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"running\n"  # no client attached yet
        token, where = _read_token(token_file, time.monotonic() + TIMEOUT)
        host, port = where.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        sock.sendall(_jsonrpc.encode(_jsonrpc.notification("hello", {"token": token})))
        assert _frames(sock, 1)[0]["params"]["pid"] == proc.pid  # its hello
        # The worker thread may print before the task has suspended: wait for the delta
        # that shows it waiting (the first one lists every live task).
        sock.sendall(_jsonrpc.encode(_jsonrpc.request(1, "tasks/subscribe", {"intervalMs": 20})))
        live = {}
        parser = _jsonrpc.MessageParser()
        sock.settimeout(TIMEOUT)
        while not (live.get("lingerer") or {}).get("waiting_on"):
            data = sock.recv(65536)
            assert data, "connection closed"
            for msg in parser.feed(data):
                if msg.get("method") == "tasks/changed":
                    live.update((t["name"], t) for t in msg["params"]["tasks"])
        assert live["lingerer"]["state"] == "pending" and live["lingerer"]["waiting_on"]["kind"] == "thread"
        assert live["lingerer"]["awaited_by"] == [live["Task-1"]["id"]]
        out, err = proc.communicate(b"bye\n", timeout=TIMEOUT)
        sock.close()
        assert proc.returncode == 0 and out == b"got bye\n"
        assert err.decode().startswith("asyncio-lens: listening on %s; token %s\n" % (where, token))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
