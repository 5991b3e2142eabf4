"""Debugger overhead and time to the first stop, against plain python in the same run.

    python runtime/bench/debugger.py [--runs N]

Rows (best of N, runs interleaved):

* ``cpu`` — a CPU-bound pure-Python loop with a call per iteration, timed by the program
  itself (startup excluded):
  - ``plain``: ``python cpu.py``;
  - ``lens``: under the runtime with an adapter attached, breakpoints set in two other
    functions of the same file (never reached) and the default exception filter
    ``uncaught``;
  - ``debugpy``: the same breakpoints through debugpy's own adapter (when ``import
    debugpy`` works for this interpreter: ``pip install debugpy``).
* ``first stop`` — wall time from spawning the process to the stop at a breakpoint on the
  script's third line (``plain``: to the end of ``python stop.py``, i.e. bare startup).

The adapter is played by this script (the runtime's JSON-RPC over loopback, as
``debug-adapter/agentClient.ts`` does; DAP for debugpy).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.dirname(HERE)
sys.path.insert(0, RUNTIME)

from asyncio_lens import _jsonrpc  # noqa: E402

CPU = '''\
import time


def small(i):
    return i % 7


def hot(n):
    total = 0
    for i in range(n):
        total += small(i)
    return total


def lines(n):
    total = 0
    for i in range(n):
        total += i % 7
        if total > 1_000_000_000:
            total = 0
    return total


def helper(x):
    return x * 2  # @bp


def never():
    return helper(1)  # @bp


t0 = time.perf_counter()
for _ in range(10):
    hot(200_000)
print("elapsed %.6f" % (time.perf_counter() - t0))
t0 = time.perf_counter()
for _ in range(10):
    lines(200_000)
print("lines %.6f" % (time.perf_counter() - t0))
'''

OTHER = '''\
def elsewhere(x):
    return x + 1  # @bp
'''

STOP = '''\
import asyncio
import sys
x = 1  # @bp
'''


def bp_lines(source):
    return [i for i, line in enumerate(source.splitlines(), 1) if line.rstrip().endswith("# @bp")]


def elapsed(stdout, what="elapsed"):
    m = re.search(what + r" ([0-9.]+)", stdout)
    if not m:
        raise RuntimeError("no timing in output: %r" % stdout[-500:])
    return float(m.group(1))


class Framed:
    """Content-Length framed JSON over a socket (both protocols use it)."""

    def __init__(self, sock):
        self.sock = sock
        self.parser = _jsonrpc.MessageParser()
        self.pending = []

    def send(self, msg):
        self.sock.sendall(_jsonrpc.encode(msg))

    def next(self):
        while not self.pending:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.pending.extend(self.parser.feed(data))
        return self.pending.pop(0)


def run_plain(python, script):
    t0 = time.perf_counter()
    out = subprocess.run([python, script], capture_output=True, text=True, check=True).stdout
    return out, time.perf_counter() - t0


def run_lens(python, script, breakpoints, until_stop=False, bp_file=None):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    token = "bench-token"
    env = dict(os.environ, ASYNCIO_LENS_TOKEN=token, PYTHONPATH=RUNTIME)
    t0 = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "asyncio_lens", "run", "--connect",
                             "127.0.0.1:%d" % listener.getsockname()[1], script],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sock, _ = listener.accept()
    listener.close()
    conn = Framed(sock)
    assert conn.next()["method"] == "hello"
    ids = iter(range(1, 1000))

    def request(method, params):
        rid = next(ids)
        conn.send(_jsonrpc.request(rid, method, params))
        while True:
            msg = conn.next()
            if msg.get("id") == rid:
                return msg

    request("initialize", {"clientName": "bench"})
    request("tasks/subscribe", {"intervalMs": 100})
    request("debug/configure", {"justMyCode": True, "stopOnEntry": False})
    if breakpoints:
        request("debug/setBreakpoints", {"file": bp_file or script,
                                         "breakpoints": [{"line": n} for n in breakpoints]})
    request("debug/setExceptionBreakpoints", {"filters": ["uncaught"]})
    request("program/start", {})
    stop_time = None
    while True:
        msg = conn.next()
        if msg is None:
            break
        if until_stop and msg.get("method") == "debug/stopped":
            stop_time = time.perf_counter() - t0
            proc.kill()
            break
    sock.close()  # debugpy's adapter waits for the client to go before the process ends
    out = proc.communicate()[0]
    return out, stop_time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_debugpy(python, script, breakpoints, until_stop=False):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "debugpy", "--listen", "127.0.0.1:%d" % port, "--wait-for-client",
                             script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            sock = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.01)
    conn = Framed(sock)
    seqs = iter(range(1, 1000))

    def send(command, arguments):
        seq = next(seqs)
        conn.send({"seq": seq, "type": "request", "command": command, "arguments": arguments})
        return seq

    send("initialize", {"clientID": "bench", "adapterID": "debugpy", "linesStartAt1": True,
                        "columnsStartAt1": True, "pathFormat": "path"})
    send("attach", {"justMyCode": True})
    stop_time = None
    while True:
        msg = conn.next()
        if msg is None:
            break
        if msg.get("type") == "event" and msg.get("event") == "initialized":
            send("setBreakpoints", {"source": {"path": script}, "breakpoints": [{"line": n} for n in breakpoints]})
            send("setExceptionBreakpoints", {"filters": ["uncaught"]})
            send("configurationDone", {})
        elif msg.get("type") == "event" and msg.get("event") == "stopped" and until_stop:
            stop_time = time.perf_counter() - t0
            proc.kill()
            break
        elif msg.get("type") == "event" and msg.get("event") == "terminated":
            break
    sock.close()  # debugpy's adapter waits for the client to go before the process ends
    out = proc.communicate()[0]
    return out, stop_time


def has_debugpy(python):
    return subprocess.run([python, "-c", "import debugpy"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    args = ap.parse_args()
    python = sys.executable
    tmp = tempfile.mkdtemp(prefix="lens-bench-")
    cpu = os.path.join(tmp, "cpu.py")
    stop = os.path.join(tmp, "stop.py")
    with open(cpu, "w") as f:
        f.write(CPU)
    with open(stop, "w") as f:
        f.write(STOP)
    other = os.path.join(tmp, "other.py")
    with open(other, "w") as f:
        f.write(OTHER)
    debugpy = has_debugpy(python)
    cpu_bps, stop_bps = bp_lines(CPU), bp_lines(STOP)
    best = {}

    def keep(key, value):
        if value is not None:
            best[key] = min(best.get(key, float("inf")), value)

    def both(name, out):
        keep("cpu " + name, elapsed(out))
        keep("lines " + name, elapsed(out, "lines"))

    for _ in range(args.runs):
        both("plain", run_plain(python, cpu)[0])
        both("lens", run_lens(python, cpu, cpu_bps)[0])
        both("lens other file", run_lens(python, cpu, bp_lines(OTHER), bp_file=other)[0])
        both("lens no breakpoints", run_lens(python, cpu, [])[0])
        if debugpy:
            both("debugpy", run_debugpy(python, cpu, cpu_bps)[0])
        keep("stop plain", run_plain(python, stop)[1])
        keep("stop lens", run_lens(python, stop, stop_bps, until_stop=True)[1])
        if debugpy:
            keep("stop debugpy", run_debugpy(python, stop, stop_bps, until_stop=True)[1])
    version = "%d.%d.%d" % sys.version_info[:3]
    result = {"python": version, **{k: round(v, 4) for k, v in best.items()}}
    for w in ("cpu", "lines"):
        for k in ("lens", "lens other file", "lens no breakpoints", "debugpy"):
            if "%s %s" % (w, k) in best:
                result["%s %s ratio" % (w, k)] = round(best["%s %s" % (w, k)] / best[w + " plain"], 3)
    if args.json:
        print(json.dumps(result))
        return
    print("Python %s, best of %d" % (version, args.runs))
    for w, title in (("cpu", "a call per iteration"), ("lines", "no calls")):
        print("  CPU loop, %s: plain %.3f s; ratios to plain:" % (title, best[w + " plain"]))
        print("    lens: no breakpoints %.2fx, breakpoints in another file %.2fx, in other functions of the"
              " same file %.2fx%s" % (
                  result[w + " lens no breakpoints ratio"], result[w + " lens other file ratio"],
                  result[w + " lens ratio"],
                  "; debugpy (same file) %.2fx" % result[w + " debugpy ratio"] if debugpy else
                  "; debugpy not installed"))
    print("  first stop: bare startup %.3f s   lens %.3f s (+%.3f s)%s" % (
        best["stop plain"], best["stop lens"], best["stop lens"] - best["stop plain"],
        "   debugpy %.3f s (+%.3f s)" % (best["stop debugpy"], best["stop debugpy"] - best["stop plain"])
        if debugpy else ""))


if __name__ == "__main__":
    main()
