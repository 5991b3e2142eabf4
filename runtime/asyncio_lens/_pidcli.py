"""Commands about a running process (CPython 3.14+): ``attach``, ``ps`` and ``pstree``.

``python -m asyncio_lens attach PID`` starts the agent in a program that was started with
plain python (``_remote``, ``_inject``), then prints its task tree (``--watch SECONDS``:
again and again, until Ctrl+C or the program ends). With ``--token-file FILE`` it prints
nothing of the tasks: it writes the new listener's one-time token and ``HOST:PORT`` to
FILE, for a debugger to attach (what the VS Code extension does).

``ps PID`` and ``pstree PID`` show what ``python -m asyncio ps|pstree PID`` shows (read
from the process's memory by CPython's own tools, without its cooperation), plus, where
the agent runs in the process, what each task waits on and its cancellation marks.
"""

import os
import socket
import sys
import time
from collections import namedtuple

from . import _jsonrpc, _remote
from ._wake import thread_stacks
from ._protocol import HELLO, INITIALIZE, TASKS_SNAPSHOT
from ._render import cancel_words, render_tree, wait_words

__all__ = ["main", "COMMANDS", "USAGE"]

COMMANDS = ("attach", "ps", "pstree")
USAGE = """\
usage: python -m asyncio_lens attach PID [--watch SECONDS] [--timeout SECONDS]
       python -m asyncio_lens attach PID --token-file FILE [--listen HOST:PORT] [--timeout SECONDS]
       python -m asyncio_lens ps PID
       python -m asyncio_lens pstree PID

Python 3.14+, Linux: the process must run the same Python version.

attach PID      start Asyncio Lens inside a running program (started with plain
                python) and print its task tree; the agent stays in the program
  --watch SECONDS       print the tree every SECONDS until Ctrl+C
  --token-file FILE     do not print the tree: write the one-time token and
                        HOST:PORT to FILE (mode 0600) for a debugger to attach
  --listen HOST:PORT    loopback address for the debugger (default 127.0.0.1:0)
  --timeout SECONDS     give up if the program runs no Python code for this long
                        (default: wait until it does)
ps PID          list the tasks, as `python -m asyncio ps PID`, plus what each waits
                on and its cancellation marks where Asyncio Lens runs in the program
pstree PID      the same as a tree of who awaits whom
"""


class _Usage(Exception):
    pass


def _fatal(message, code=2):
    sys.stderr.write("asyncio-lens: %s\n" % message)
    sys.stderr.flush()
    return code


def _parse(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        raise _Usage("")
    cmd, pid = argv[0], argv[1]
    if not pid.isdigit() or int(pid) <= 0:
        raise _Usage("%s needs a process id, not %r" % (cmd, pid))
    opts = {"watch": None, "token_file": None, "listen": ("127.0.0.1", 0), "timeout": None}
    rest = argv[2:]
    i = 0
    while i < len(rest):
        name, eq, value = rest[i].partition("=")
        if cmd != "attach" or name not in ("--watch", "--token-file", "--listen", "--timeout"):
            raise _Usage("unknown option %s" % rest[i])
        if not eq:
            i += 1
            if i >= len(rest):
                raise _Usage("%s needs a value" % name)
            value = rest[i]
        if name in ("--watch", "--timeout"):
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not number > 0 or number == float("inf"):
                raise _Usage("%s needs a positive number of seconds" % name)
            opts[name[2:]] = number
        elif name == "--listen":
            host, _, port = value.rpartition(":")
            if not host or not port.isdigit():
                raise _Usage("--listen needs HOST:PORT")
            opts["listen"] = (host.strip("[]"), int(port))
        else:
            opts["token_file"] = value
        i += 1
    return cmd, int(pid), opts


def main(argv):
    try:
        cmd, pid, opts = _parse(argv)
    except _Usage as exc:
        if str(exc):
            sys.stderr.write("asyncio-lens: error: %s\n" % exc)
        sys.stderr.write(USAGE)
        return 2 if str(exc) or not (len(argv) > 1 and argv[1] in ("-h", "--help")) else 0
    try:
        if cmd == "attach":
            return _attach(pid, opts)
        return _show(pid, tree=cmd == "pstree")
    except _remote.AttachError as exc:
        return _fatal(str(exc))
    except KeyboardInterrupt:
        return 130


def _progress(text):
    sys.stderr.write("asyncio-lens: %s\n" % text)
    sys.stderr.flush()


def _attach(pid, opts):
    host, port = opts["listen"]
    answer = _remote.call(pid, "start", {"host": host, "port": port}, opts["timeout"], _progress)
    if "error" in answer:
        return _fatal("cannot attach to process %d: %s" % (pid, answer["error"]))
    where = "%s:%d" % (answer["host"], answer["port"])
    if opts["token_file"]:
        try:
            fd = os.open(opts["token_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("%s\n%s\n" % (answer["token"], where))
        except OSError as exc:
            return _fatal("cannot write the token file %s: %s" % (opts["token_file"], exc))
        _progress("attached to process %d (Python %s): a debugger can attach at %s with the token in %s"
                  % (pid, answer["python"], where, opts["token_file"]))
        return 0
    client = _Client(answer["host"], answer["port"], answer["token"])
    try:
        while True:
            snap = client.request(TASKS_SNAPSHOT, {})
            if snap is None:
                return 0  # the program ended
            sys.stdout.write(render_tree(snap))
            sys.stdout.flush()
            if opts["watch"] is None:
                break
            time.sleep(opts["watch"])
    finally:
        client.close()
    _progress("Asyncio Lens stays in process %d; VS Code attaches with {\"type\": \"asyncio-lens\", "
              "\"request\": \"attach\", \"processId\": %d}" % (pid, pid))
    return 0


class _Client:
    """The debugger's side of the protocol, enough to ask for snapshots."""

    def __init__(self, host, port, token):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.parser = _jsonrpc.MessageParser()
        self.pending = []
        self.next_id = 1
        self.sock.sendall(_jsonrpc.encode(_jsonrpc.notification(HELLO, {"token": token})))
        self.request(INITIALIZE, {"clientName": "asyncio-lens attach"})

    def request(self, method, params):
        """The result, or None when the program has ended. Raises AttachError on an error."""
        rid = self.next_id
        self.next_id += 1
        try:
            self.sock.sendall(_jsonrpc.encode(_jsonrpc.request(rid, method, params)))
        except OSError:
            return None
        while True:
            while self.pending:
                msg = self.pending.pop(0)
                if isinstance(msg, dict) and msg.get("id") == rid and "method" not in msg:
                    if "error" in msg:
                        raise _remote.AttachError("%s failed: %s" % (method, msg["error"].get("message")))
                    return msg.get("result")
            try:
                data = self.sock.recv(1 << 20)
            except OSError:
                return None
            if not data:
                return None
            self.pending.extend(self.parser.feed(data))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# -- ps / pstree ----------------------------------------------------------------------
_Task = namedtuple("_Task", "task_id task_name coroutine_stack awaited_by")
_Awaited = namedtuple("_Awaited", "thread_id awaited_by")


def _show(pid, tree):
    _remote.check_target(pid)
    try:
        from asyncio import tools
    except ImportError:
        return _fatal("ps and pstree need Python 3.14 or later (this is %d.%d)" % sys.version_info[:2])
    try:
        result = tools.get_all_awaited_by(pid)
    except PermissionError:
        return _fatal("not allowed to read process %d: it needs the same user and ptrace permission "
                      "(see /proc/sys/kernel/yama/ptrace_scope, or run as root)" % pid)
    except (RuntimeError, OSError) as exc:
        return _fatal("cannot read the tasks of process %d: %s" % (pid, exc))
    extra, note = _lens_details(pid)
    if tree:
        labelled = [_Awaited(a.thread_id, [
            _Task(t.task_id, _label(t.task_name, extra.get(hex(t.task_id))), t.coroutine_stack, t.awaited_by)
            for t in a.awaited_by]) for a in result]
        try:
            lines = ["\n".join(block) for block in tools.build_async_tree(labelled)]
        except tools.CycleFoundException as exc:
            sys.stdout.write("ERROR: await-graph contains cycles - cannot print a tree!\n")
            for cycle in exc.cycles:
                sys.stdout.write("cycle: %s\n" % " \u2192 ".join(exc.id2name.get(t, hex(t)) for t in cycle))
            lines = []
        sys.stdout.write("".join(line + "\n" for line in lines))
    else:
        rows = tools.build_task_table(result)
        head = "%-10s %-20s %-20s %-50s %-50s %-15s %-15s %-30s %s" % (
            "tid", "task id", "task name", "coroutine stack", "awaiter chain", "awaiter name", "awaiter id",
            "waits on", "cancel")
        sys.stdout.write(head + "\n" + "-" * len(head) + "\n")
        for row in rows:
            waits, cancel = extra.get(row[1], ("", ""))
            sys.stdout.write("%-10s %-20s %-20s %-50s %-50s %-15s %-15s %-30s %s\n" % (tuple(row) + (waits, cancel)))
    if note:
        sys.stdout.write(note + "\n")
    return 0


def _label(name, extra):
    if not extra or not (extra[0] or extra[1]):
        return name
    return "%s \u00b7 %s" % (name, " \u00b7 ".join(x for x in extra if x))


def _lens_details(pid):
    """({task address: (wait words, cancel marks)}, note) from the agent in *pid*, if any."""
    if not _agent_threads(pid):
        return {}, ""
    try:
        answer = _remote.call(pid, "dump", timeout=5.0)
    except _remote.AttachError as exc:
        return {}, "(Asyncio Lens runs in process %d but did not answer: %s)" % (pid, exc)
    if not answer.get("agent") or "snapshot" not in answer:
        return {}, "" if not answer.get("error") else "(Asyncio Lens: %s)" % answer["error"]
    infos = {t["id"]: t for t in answer["snapshot"]["tasks"]}
    out = {}
    for addr, tid in answer["addresses"].items():
        info = infos.get(tid)
        if info is not None:
            marks = [m for m in (cancel_words(info, infos), "shielded" if info.get("shielded") else "") if m]
            out[addr] = (wait_words(info.get("waiting_on"), answer["snapshot"].get("time")), ", ".join(marks))
    return out, ""


def _agent_threads(pid):
    """Whether the agent's threads run in *pid* (seen on their stacks; no cooperation)."""
    sep = os.sep + "asyncio_lens" + os.sep
    return any(sep in f.filename for frames in thread_stacks(pid).values() for f in frames)
