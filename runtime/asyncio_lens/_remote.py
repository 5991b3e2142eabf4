"""Run a function of ``_inject`` inside another Python process (3.14+, PEP 768).

:func:`call` writes a bootstrap script into a private temporary directory, has CPython
run it on the target's main thread (``sys.remote_exec``), wakes the target's event loop
if it is idle (``_wake``), and waits for the reply file the script writes. The script
imports this runtime from the directory it was attached from (and takes it off
``sys.path`` again), so the target needs nothing installed. If the attacher gives up
first, it leaves a ``cancelled`` mark that the script obeys when it finally runs.
"""

import json
import os
import shutil
import sys
import tempfile
import time

from . import _wake

__all__ = ["AttachError", "call", "check_target", "RUNTIME_DIR"]

RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Runs in the target's __main__ namespace: it defines no name there.
_BOOTSTRAP = '''exec(compile(%r, "<asyncio-lens attach>", "exec"), {"__name__": "asyncio_lens_attach"})
'''
_BODY = '''import os, sys
if os.path.exists(%(cancelled)r):  # the attacher gave up: leave nothing behind
    for name in os.listdir(%(work)r):
        os.remove(os.path.join(%(work)r, name))
    os.rmdir(%(work)r)
else:
    _added = %(runtime)r not in sys.path
    if _added:
        sys.path.insert(0, %(runtime)r)
    try:
        from asyncio_lens import _inject
    except BaseException as exc:
        _inject = None
        try:
            with open(%(reply)r, "w") as f:
                f.write('{"error": "cannot import the runtime: %%s"}' %% type(exc).__name__)
        except OSError:
            pass
    finally:
        if _added and %(runtime)r in sys.path:
            sys.path.remove(%(runtime)r)
    if _inject is not None:
        _inject.%(func)s(%(reply)r, **%(kwargs)r)
'''


class AttachError(Exception):
    """Attaching cannot work; the message says why, for the user."""


def check_target(pid):
    """Raise AttachError where attaching to *pid* cannot work, saying why."""
    if not hasattr(sys, "remote_exec"):
        raise AttachError(
            "attaching to a running process needs Python 3.14 or later (this is %d.%d); start the program "
            "with `python -m asyncio_lens run --listen 127.0.0.1:0 app.py` instead" % sys.version_info[:2])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise AttachError("there is no process %d" % pid) from None
    except PermissionError:
        raise AttachError("process %d belongs to another user; attach as that user (or as root)" % pid) from None


def _remote_exec(pid, path):
    try:
        sys.remote_exec(pid, path)
    except PermissionError:
        raise AttachError(
            "not allowed to attach to process %d: it needs the same user and ptrace permission "
            "(see /proc/sys/kernel/yama/ptrace_scope, or run as root)" % pid) from None
    except ProcessLookupError:
        raise AttachError("process %d has exited" % pid) from None
    except (RuntimeError, OSError) as exc:
        root = exc
        while root.__cause__ is not None or root.__context__ is not None:
            root = root.__cause__ or root.__context__
        text = str(root) or str(exc)
        if "disabled" in text.lower() or "remote debug" in text.lower():
            text += " (the program was started with -X disable_remote_debug or PYTHON_DISABLE_REMOTE_DEBUG, " \
                    "or its Python was built without remote debugging)"
        raise AttachError("cannot attach to process %d: %s. Is it a CPython %d.%d process?"
                          % (pid, text, sys.version_info[0], sys.version_info[1])) from None


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except OSError:
        return True


def _private_dir(pid):
    """A temporary directory only we and the target can use."""
    path = tempfile.mkdtemp(prefix="asyncio-lens-attach-")
    if os.geteuid() == 0:
        try:
            uid = os.stat("/proc/%d" % pid).st_uid
            if uid != 0:
                os.chown(path, uid, -1)  # the target writes its reply here
        except OSError:
            pass
    return path


def call(pid, func, kwargs=None, timeout=None, progress=None):
    """Run ``_inject.<func>(reply, **kwargs)`` in process *pid*; return its reply (a dict).

    *timeout*: seconds to wait for the target to run the script (None: until it does).
    *progress(text)*: told once, after a second, what the target is doing meanwhile.
    Raises AttachError."""
    check_target(pid)
    work = _private_dir(pid)
    reply = os.path.join(work, "reply.json")
    cancelled = os.path.join(work, "cancelled")
    script = os.path.join(work, "attach.py")
    body = _BODY % {"cancelled": cancelled, "work": work, "runtime": RUNTIME_DIR, "reply": reply, "func": func,
                    "kwargs": dict(kwargs or {})}
    with open(script, "w", encoding="utf-8") as f:
        f.write(_BOOTSTRAP % body)
    os.chmod(script, 0o644)
    done = False
    try:
        _remote_exec(pid, script)
        started = time.monotonic()
        why = _wake.wake_main_thread(pid)
        told = False
        while not os.path.exists(reply):
            waited = time.monotonic() - started
            if timeout is not None and waited >= timeout:
                raise AttachError(
                    "process %d did not run Python code within %.0f s: %s. The attach happens when it next does"
                    % (pid, timeout, why or _wake.main_thread_state(pid)[1]))
            if not told and waited >= 1.0 and progress is not None:
                told = True
                progress("waiting for process %d to run Python code: %s" % (pid, why or _wake.main_thread_state(pid)[1]))
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                raise AttachError("process %d exited before it ran the attach script" % pid) from None
            time.sleep(0.02)
        with open(reply, encoding="utf-8") as f:
            answer = json.load(f)
        done = True
        return answer
    finally:
        _wake.close_pending()
        if done or not _alive(pid):
            shutil.rmtree(work, ignore_errors=True)
        else:
            # The target may still run the script later: tell it not to act.
            try:
                open(cancelled, "w").close()
            except OSError:
                pass
