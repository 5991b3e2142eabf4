"""Command line: ``python -m asyncio_lens run [options] script.py [args...]``.

Options (see ``USAGE``): ``--connect`` (launch by the adapter), ``--listen`` with
``--token-file`` and ``--no-wait`` (attach: by default the program waits until the
debugger attached and sent ``program/start``), ``--snapshot-at``/``--snapshot-on-exit``
with ``--format tree|json`` and ``--output`` (terminal use), ``--blocked-ms`` and
``--history``. Without any of them only the task factory is installed.

Also ``run ... -m module [args...]``; ``run`` may be left out when the script is not
literally called ``run``, and ``--`` ends the options. Exit codes are the program's own;
2 for a usage error, a script that cannot be opened, or a debugger that cannot be
reached (``asyncio-lens: cannot connect to the debugger at HOST:PORT: ...``).

The environment variable ``ASYNCIO_LENS_TOKEN`` is always removed from ``os.environ``
before the program runs. ``ASYNCIO_LENS_LOG=path`` appends the runtime's own log to a
file; otherwise the log goes nowhere (never to the program's stderr).
"""

import atexit
import logging
import os
import sys

from . import _agent, _clisnap, _launch, _pidcli, _server, _snapshot, _tracker
from ._protocol import TOKEN_ENV

__all__ = ["main", "console_main", "parse_args", "UsageError", "USAGE"]

_log = logging.getLogger(__name__)

USAGE = """\
usage: python -m asyncio_lens run [options] script.py [args ...]
       python -m asyncio_lens run [options] -m module [args ...]
       python -m asyncio_lens attach|ps|pstree PID ...   (Python 3.14+; attach -h)

Runs the program as plain python would, and records its asyncio tasks.

options:
  --connect HOST:PORT  report to the debug adapter listening on this loopback
                       address (token in $%s); the program starts when
                       the adapter sends program/start
  --listen HOST:PORT   wait for a debugger to attach on this loopback address
                       (port 0: any free port); the token is printed to stderr;
                       the debugger sends hello {token} first, then
                       program/start
  --token-file FILE    also write the --listen token (and port) to FILE
  --no-wait            with --listen: run the program at once, accept later
  --snapshot-at SECONDS
                       print a snapshot of the tasks this long after the event
                       loop starts (repeatable)
  --snapshot-on-exit   print a snapshot when the program exits
  --format tree|json   snapshot format (default tree; json: one per line)
  --output FILE        append snapshots to FILE (default: stderr)
  --blocked-ms MS      report the event loop as blocked after MS ms without a
                       turn (default 100; 0: off)
  --history N          finished tasks kept (default 1000)
  -m module            run a library module as a script
  -h, --help           show this help and exit
""" % TOKEN_ENV


class UsageError(Exception):
    pass


class Options:
    def __init__(self):
        self.listen = None
        self.token_file = None
        self.no_wait = False
        self.snapshot_at = []
        self.snapshot_on_exit = False
        self.format = "tree"
        self.output = None
        self.blocked_ms = None
        self.history = 1000
        self.connect = None
        self.module = None
        self.script = None
        self.args = []
        self.help = False


def parse_args(argv):
    opts = Options()
    i = 0
    if argv and argv[0] == "run":
        i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            opts.help = True
            return opts
        if a == "--":
            i += 1
            break
        name, eq, inline = a.partition("=")
        if name in _VALUE_OPTIONS and a.startswith("--"):
            if eq:
                value = inline
            else:
                i += 1
                if i >= len(argv):
                    raise UsageError("%s needs a value" % name)
                value = argv[i]
            _VALUE_OPTIONS[name](opts, value)
            i += 1
            continue
        if a in ("--no-wait", "--snapshot-on-exit"):
            setattr(opts, a[2:].replace("-", "_"), True)
            i += 1
            continue
        if a == "--connect" or a.startswith("--connect="):
            if "=" in a:
                value = a.split("=", 1)[1]
            else:
                i += 1
                if i >= len(argv):
                    raise UsageError("--connect needs HOST:PORT")
                value = argv[i]
            try:
                opts.connect = _server.parse_address(value)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            opts.connect_text = value
            i += 1
            continue
        if a == "-m" or (a.startswith("-m") and len(a) > 2):
            if len(a) > 2:
                opts.module = a[2:]
            else:
                i += 1
                if i >= len(argv):
                    raise UsageError("-m needs a module name")
                opts.module = argv[i]
            opts.args = argv[i + 1:]
            return opts
        if a.startswith("-") and a != "-":
            raise UsageError("unknown option %s" % a)
        break
    if i >= len(argv):
        raise UsageError("no script given")
    opts.script = argv[i]
    opts.args = argv[i + 1:]
    return opts


def _opt_listen(opts, value):
    head, sep, port = value.rpartition(":")
    any_port = sep and port == "0"  # port 0: the system picks a free port
    try:
        host, port_n = _server.parse_address(head + ":1" if any_port else value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    opts.listen = (host, 0 if any_port else port_n)


def _opt_float(attr, minimum=0.0, append=False):
    def set_(opts, value):
        try:
            v = float(value)
        except ValueError:
            raise UsageError("expected a number of %s, got %r" % (attr.replace("_", " "), value)) from None
        if not v >= minimum or v != v or v == float("inf"):
            raise UsageError("%s must be a finite number >= %s" % (attr.replace("_", "-"), minimum))
        if append:
            getattr(opts, attr).append(v)
        else:
            setattr(opts, attr, v)
    return set_


def _opt_format(opts, value):
    if value not in ("tree", "json"):
        raise UsageError("--format must be tree or json")
    opts.format = value


def _opt_history(opts, value):
    try:
        opts.history = int(value)
    except ValueError:
        raise UsageError("--history needs a whole number") from None
    if opts.history < 0:
        raise UsageError("--history needs a whole number >= 0")


_VALUE_OPTIONS = {
    "--listen": _opt_listen,
    "--token-file": lambda opts, v: setattr(opts, "token_file", v),
    "--snapshot-at": _opt_float("snapshot_at", append=True),
    "--format": _opt_format,
    "--output": lambda opts, v: setattr(opts, "output", v),
    "--blocked-ms": _opt_float("blocked_ms"),
    "--history": _opt_history,
}


def _setup_log_file():
    path = os.environ.get("ASYNCIO_LENS_LOG")
    if not path:
        return
    try:
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except Exception:  # noqa: BLE001
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(threadName)s %(name)s %(levelname)s %(message)s"))
    pkg = logging.getLogger("asyncio_lens")
    pkg.addHandler(handler)
    pkg.setLevel(logging.DEBUG)


def _fatal(message):
    sys.stderr.write("asyncio-lens: %s\n" % message)
    sys.stderr.flush()
    return 2


def main(argv=None):
    token = os.environ.pop(TOKEN_ENV, None)
    _setup_log_file()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _pidcli.COMMANDS:
        return _pidcli.main(argv)
    try:
        opts = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write("asyncio-lens: error: %s\n%s" % (exc, USAGE))
        return 2
    if opts.help:
        sys.stdout.write(USAGE)
        return 0

    code = filename = None
    debugged = opts.connect is not None or opts.listen is not None
    if opts.script is not None and not debugged:
        try:
            code, filename = _launch.prepare_script(opts.script)
        except _launch.ProgramFailed as failed:  # a SyntaxError, already printed
            _launch.exit_like_python(failed.exc)

    if opts.connect is not None and opts.listen is not None:
        return _fatal("use either --connect or --listen")
    tracker = _tracker.Tracker(history_size=opts.history)
    blocked = _agent.threshold_from_env() if opts.blocked_ms is None else opts.blocked_ms / 1000.0
    agent = _agent.Agent(tracker, _snapshot.Collector(tracker, tracker.history_size), blocked)
    engine = agent.engine = _new_engine(tracker) if debugged else None
    snapshots = None
    if opts.snapshot_at or opts.snapshot_on_exit:
        snapshots = _clisnap.SnapshotWriter(agent, opts.snapshot_at, opts.snapshot_on_exit, opts.format,
                                            opts.output)
        tracker.start_recording()
    server = None
    if opts.listen is not None:
        server = _listen(opts, tracker, agent)
        if isinstance(server, int):
            return server
    if opts.connect is not None:
        if not token:
            return _fatal("--connect needs the one-time token in the environment variable %s" % TOKEN_ENV)
        host, port = opts.connect
        try:
            sock = _server.connect(host, port)
        except _server.ConnectError as exc:
            return _fatal("cannot connect to the debugger at %s: %s" % (opts.connect_text, exc))
        tracker.start_recording()
        server = _server.Server(sock, agent.collector, token)
        agent.serve(server)
        if not _start_and_wait(server):
            return _fatal("the debugger at %s closed the connection before the program started"
                          % opts.connect_text)
    del token

    if opts.script is not None and debugged:
        # Compiled only now, so that a SyntaxError reaches the debugger like any output
        # of the program (the adapter has connected and sent program/start).
        try:
            code, filename = _launch.prepare_script(opts.script)
        except BaseException as exc:
            if server is not None:
                server.close()
            if isinstance(exc, _launch.ProgramFailed):  # a SyntaxError, already printed
                _launch.exit_like_python(exc.exc)
            raise
    if opts.module is not None:
        _fix_orig_argv(argv, ["-m", opts.module] + opts.args)
    else:
        _fix_orig_argv(argv, [opts.script] + opts.args)
    tracker.install()
    if server is not None or snapshots is not None or opts.listen is not None:
        agent.start()
    if snapshots is not None:
        agent.enable_timing()
        snapshots.start()
    # Registered before the program's own handlers, so it runs after them: the last
    # task states are flushed when nothing of the program is left to run.
    atexit.register(_finish, tracker, server, agent, snapshots)
    if engine is not None:
        # Registered after _finish, so it runs before it: breakpoints stay on in the
        # program's own atexit handlers, and the server outlives the debugger.
        atexit.register(engine.close)
        _launch.uncaught_hook = engine.uncaught_event
        _launch.code_hook = engine.program_code
        engine.start()
        if agent.watchdog is not None:
            agent.watchdog.suspended = lambda: engine.stopped
    try:
        if opts.module is not None:
            _launch.run_module(opts.module, [opts.module] + opts.args)
        elif code is None:
            _launch.run_path_main(filename, [opts.script] + opts.args)
        else:
            _launch.run_code(code, filename, [opts.script] + opts.args)
    except _launch.ProgramFailed as failed:
        _launch.exit_like_python(failed.exc)
    return 0


def _fix_orig_argv(own_args, tail):
    """Make ``sys.orig_argv`` read as if plain python had run the program.

    It ends with the runtime's own arguments, after ``-m asyncio_lens`` or the path the
    runtime was started by (or the console script); those are replaced by *tail*.
    """
    orig = getattr(sys, "orig_argv", None)
    n = len(own_args)
    if not orig or len(orig) < n + 2 or list(orig[len(orig) - n:]) != list(own_args):
        return
    head = orig[:len(orig) - n]
    head = head[:-2] if head[-2:] == ["-m", "asyncio_lens"] else head[:-1]
    sys.orig_argv[:] = head + tail


def _new_engine(tracker):
    from ._engine import Engine  # the debugger: imported only when a debugger is used

    return Engine(tracker.loops)


def _listen(opts, tracker, agent):
    """--listen: a server once a debugger attached (or, with --no-wait, later); an int
    exit status on failure."""
    import secrets
    import threading

    host, port = opts.listen
    try:
        listener = _server.listen(host, port)
    except _server.ConnectError as exc:
        return _fatal("cannot listen on %s:%s: %s" % (host, port, exc))
    token = secrets.token_urlsafe(24)
    addr = listener.getsockname()
    where = "%s:%d" % (("[%s]" % addr[0]) if ":" in addr[0] else addr[0], addr[1])
    if opts.token_file:
        try:
            fd = os.open(opts.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("%s\n%s\n" % (token, where))
        except OSError as exc:
            listener.close()
            return _fatal("cannot write the token file %s: %s" % (opts.token_file, exc))
    sys.stderr.write("asyncio-lens: listening on %s; token %s%s\n" % (
        where, token, "" if opts.no_wait else "; waiting for a debugger to attach"))
    sys.stderr.flush()
    tracker.start_recording()

    def accept():
        peer = _server.accept_with_token(listener, token)
        listener.close()
        if peer is None:
            return None
        server = _server.Server(peer.sock, agent.collector, token, peer)
        agent.serve(server)
        return server

    if opts.no_wait:
        def background():
            server = accept()
            if server is not None:
                server.start_requested = True
                server.start()
                _late_servers.append(server)
        threading.Thread(target=background, name="asyncio-lens-listen", daemon=True).start()
        return None
    try:
        server = accept()
    except KeyboardInterrupt:
        listener.close()
        _launch.exit_like_python(KeyboardInterrupt())
    if server is None:
        return _fatal("stopped listening before a debugger attached")
    if not _start_and_wait(server):
        return _fatal("the debugger closed the connection before the program started")
    return server


def _start_and_wait(server):
    """Serve, and hold the program until the debugger sends program/start. False (and the
    server closed) when the debugger went away first; Ctrl+C ends the run as python would."""
    server.start()
    try:
        started = server.wait_for_start()
    except KeyboardInterrupt:
        server.close()
        _launch.exit_like_python(KeyboardInterrupt())
    if not started:
        server.close()
    return started


_late_servers = []


def _finish(tracker, server, agent=None, snapshots=None):
    if snapshots is not None:
        snapshots.finish()
    for late in list(_late_servers):
        try:
            late.close()
        except Exception:  # noqa: BLE001
            _log.exception("closing the server failed")
    try:
        if server is not None:
            server.close()
    except Exception:  # noqa: BLE001
        _log.exception("closing the server failed")
    try:
        if agent is not None:
            agent.close()
    except Exception:  # noqa: BLE001
        _log.exception("closing the agent failed")
    try:
        tracker.close()
    except Exception:  # noqa: BLE001
        _log.exception("closing the tracker failed")


def console_main():
    """Entry point of the ``asyncio-lens`` console script."""
    sys.exit(main())
