"""Command line: ``python -m asyncio_lens run [--connect HOST:PORT] script.py [args...]``.

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

from . import _launch, _server, _snapshot, _tracker
from ._protocol import TOKEN_ENV

__all__ = ["main", "console_main", "parse_args", "UsageError", "USAGE"]

_log = logging.getLogger(__name__)

USAGE = """\
usage: python -m asyncio_lens run [--connect HOST:PORT] script.py [args ...]
       python -m asyncio_lens run [--connect HOST:PORT] -m module [args ...]

Runs the program as plain python would, and records its asyncio tasks.

options:
  --connect HOST:PORT  report to the debug adapter listening on this loopback
                       address (token in $%s); the program starts when
                       the adapter sends program/start
  -m module            run a library module as a script
  -h, --help           show this help and exit
""" % TOKEN_ENV


class UsageError(Exception):
    pass


class Options:
    def __init__(self):
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
    try:
        opts = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write("asyncio-lens: error: %s\n%s" % (exc, USAGE))
        return 2
    if opts.help:
        sys.stdout.write(USAGE)
        return 0

    code = filename = None
    if opts.script is not None:
        try:
            code, filename = _launch.prepare_script(opts.script)
        except _launch.ProgramFailed as failed:  # a SyntaxError, already printed
            _launch.exit_like_python(failed.exc)

    tracker = _tracker.Tracker()
    server = None
    if opts.connect is not None:
        if not token:
            return _fatal("--connect needs the one-time token in the environment variable %s" % TOKEN_ENV)
        host, port = opts.connect
        try:
            sock = _server.connect(host, port)
        except _server.ConnectError as exc:
            return _fatal("cannot connect to the debugger at %s: %s" % (opts.connect_text, exc))
        tracker.start_recording()
        server = _server.Server(sock, _snapshot.Collector(tracker, tracker.history_size), token)
        server.start()
        try:
            started = server.wait_for_start()
        except KeyboardInterrupt:
            server.close()
            _launch.exit_like_python(KeyboardInterrupt())
        if not started:
            server.close()
            return _fatal("the debugger at %s closed the connection before the program started"
                          % opts.connect_text)
    del token

    if opts.module is not None:
        _fix_orig_argv(argv, ["-m", opts.module] + opts.args)
    else:
        _fix_orig_argv(argv, [opts.script] + opts.args)
    tracker.install()
    # Registered before the program's own handlers, so it runs after them: the last
    # task states are flushed when nothing of the program is left to run.
    atexit.register(_finish, tracker, server)
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


def _finish(tracker, server):
    try:
        if server is not None:
            server.close()
    except Exception:  # noqa: BLE001
        _log.exception("closing the server failed")
    try:
        tracker.close()
    except Exception:  # noqa: BLE001
        _log.exception("closing the tracker failed")


def console_main():
    """Entry point of the ``asyncio-lens`` console script."""
    sys.exit(main())
