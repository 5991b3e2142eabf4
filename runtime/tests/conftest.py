"""Shared helpers: run programs plainly and under the runtime; a fake debug adapter."""

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.dirname(HERE)
PROGRAMS = os.path.join(HERE, "programs")

sys.path.insert(0, RUNTIME)

from asyncio_lens import _jsonrpc  # noqa: E402

TIMEOUT = 30  # generous upper bound on waits for events; never a fixed sleep


def _pythonpath_without_runtime():
    parts = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    return os.pathsep.join(p for p in parts if p and os.path.abspath(p) != RUNTIME)


def env_for_runtime(extra=None):
    """Environment for ``python -m asyncio_lens``: the runtime first on PYTHONPATH."""
    env = dict(os.environ)
    rest = _pythonpath_without_runtime()
    env["PYTHONPATH"] = RUNTIME + (os.pathsep + rest if rest else "")
    env.pop("ASYNCIO_LENS_TOKEN", None)
    env["PYTHONUTF8"] = "0"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    if extra:
        env.update(extra)
    return env


def env_plain():
    """Environment for plain python: as for the runtime, without the runtime on PYTHONPATH."""
    env = env_for_runtime()
    rest = _pythonpath_without_runtime()
    if rest:
        env["PYTHONPATH"] = rest
    else:
        del env["PYTHONPATH"]
    return env


def run_plain(args, cwd=PROGRAMS, **kw):
    return subprocess.run([sys.executable] + list(args), cwd=cwd, env=env_plain(),
                          capture_output=True, timeout=TIMEOUT * 2, **kw)


def run_lens(args, cwd=PROGRAMS, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "asyncio_lens", "run"] + list(args), cwd=cwd,
                          env=env or env_for_runtime(), capture_output=True, timeout=TIMEOUT * 2, **kw)


def marker_line(filename, marker):
    """Line number of the line in a program that carries ``# @marker``."""
    with open(os.path.join(PROGRAMS, filename), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.rstrip().endswith("# @" + marker):
                return n
    raise AssertionError("no marker %s in %s" % (marker, filename))


class FakeAdapter:
    """Plays the debug adapter: listens on loopback, speaks framed JSON-RPC."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.token = "tok-%d-\u00e9" % os.getpid()
        self.sock = None
        self.proc = None
        self.messages = queue.Queue()
        self.notifications = []
        self._next_id = 1
        self._reader = None
        self.eof = threading.Event()

    def spawn(self, program, *args, token=True, extra_env=None, **popen):
        env = env_for_runtime(extra_env)
        if token:
            env["ASYNCIO_LENS_TOKEN"] = self.token
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "asyncio_lens", "run", "--connect", "127.0.0.1:%d" % self.port,
             os.path.join(PROGRAMS, program)] + list(args),
            cwd=PROGRAMS, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
        return self.proc

    def accept(self):
        self.sock, _ = self.listener.accept()
        self.sock.settimeout(None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        parser = _jsonrpc.MessageParser()
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    break
                for msg in parser.feed(data):
                    self.messages.put(msg)
        except OSError:
            pass
        finally:
            self.eof.set()
            self.messages.put(None)

    def next_message(self, timeout=TIMEOUT):
        msg = self.messages.get(timeout=timeout)
        if msg is not None and "method" in msg and "id" not in msg:
            self.notifications.append(msg)
        return msg

    def send(self, msg):
        self.sock.sendall(_jsonrpc.encode(msg))

    def request(self, method, params=None):
        """Send a request; return its response (notifications met on the way are kept)."""
        rid = self._next_id
        self._next_id += 1
        self.send(_jsonrpc.request(rid, method, params))
        deadline = time.monotonic() + TIMEOUT
        while True:
            msg = self.next_message(timeout=max(0.1, deadline - time.monotonic()))
            if msg is None:
                raise AssertionError("connection closed while waiting for %s" % method)
            if msg.get("id") == rid and "method" not in msg:
                return msg

    def wait_notification(self, predicate, timeout=TIMEOUT):
        """Next notification (already kept or new) for which predicate is true."""
        deadline = time.monotonic() + timeout
        for msg in self.notifications:
            if not msg.get("_consumed") and predicate(msg):
                msg["_consumed"] = True
                return msg
        while True:
            msg = self.next_message(timeout=max(0.1, deadline - time.monotonic()))
            if msg is None:
                raise AssertionError("connection closed while waiting for a notification")
            if "method" in msg and "id" not in msg and predicate(msg):
                msg["_consumed"] = True
                return msg

    def drain_until_eof(self, timeout=TIMEOUT):
        out = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.next_message(timeout=max(0.1, deadline - time.monotonic()))
            if msg is None:
                return out
            out.append(msg)

    def close(self):
        for s in (self.sock, self.listener):
            if s is not None:
                try:
                    if s is self.sock:
                        s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)
        if self.proc is not None:
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if f is not None:
                    f.close()


class TaskView:
    """The adapter's picture of the live tasks, kept up to date from tasks/changed."""

    def __init__(self):
        self.live = {}
        self.finished = {}
        self.seq = 0

    def apply(self, params):
        assert params["seq"] > self.seq
        self.seq = params["seq"]
        if params["reset"]:
            self.live = {}
        for t in params["tasks"]:
            self.live[t["id"]] = t
        for t in params["finished"]:
            self.live.pop(t["id"], None)
            self.finished[t["id"]] = t

    def by_name(self, name, where="live"):
        pool = self.live if where == "live" else self.finished
        found = [t for t in pool.values() if t["name"] == name]
        return found[0] if len(found) == 1 else None


@pytest.fixture
def adapter():
    a = FakeAdapter()
    yield a
    a.close()


def dumps(obj):
    return json.dumps(obj, indent=1, sort_keys=True)
