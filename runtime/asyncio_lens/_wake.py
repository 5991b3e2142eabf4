"""Wake a process's idle event loop from outside, so that it runs Python code (Linux).

``sys.remote_exec`` (PEP 768) runs its script when the target's main thread next runs
Python bytecode; an event loop with nothing to do sits in ``epoll_wait`` and may not run
any for minutes. When the main thread is in asyncio's ``EpollSelector.select`` (read from
``/proc/PID/task/PID/syscall`` and CPython's remote unwinder), :func:`wake_main_thread`
takes a copy of that epoll descriptor (``pidfd_getfd``, which needs the same permission
as ``sys.remote_exec``) and adds a pipe of ours to it, once (``EPOLLONESHOT``), under a
descriptor number the target does not use: the wait returns, the selector skips the
unknown descriptor, and the loop runs its Python code. The program's own descriptors are
never touched, and the pipe leaves the epoll set when we close it.
"""

import ctypes
import fcntl
import os
import platform
import select

__all__ = ["main_thread_state", "wake_main_thread", "close_pending", "thread_stacks"]

_SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture
# (epoll waits, other names) per machine: syscall numbers of /proc/PID/task/TID/syscall
_SYSCALLS = {
    "x86_64": ({232, 281, 441}, {0: "read", 7: "poll", 23: "select", 35: "nanosleep", 61: "wait4",
                                 202: "futex (a lock, a queue or a thread join)", 230: "clock_nanosleep",
                                 247: "waitid", 270: "pselect6", 271: "ppoll"}),
    "aarch64": ({22, 441}, {63: "read", 72: "pselect6", 73: "ppoll", 95: "waitid", 98: "futex (a lock, a queue or a thread join)",
                            101: "nanosleep", 115: "clock_nanosleep", 260: "wait4"}),
}


def _main_syscall(pid):
    """(syscall number or None, first argument) of the main thread; None if it runs."""
    with open("/proc/%d/task/%d/syscall" % (pid, pid)) as f:
        fields = f.read().split()
    if not fields or fields[0] == "running":
        return None
    nr = int(fields[0])
    return nr, (int(fields[1], 16) if nr >= 0 and len(fields) > 1 else None)


def thread_stacks(pid):
    """{thread id: [FrameInfo, innermost first]} of *pid*'s Python threads, read from its
    memory by CPython's remote unwinder (3.14+; no cooperation). Empty if it cannot."""
    try:
        from _remote_debugging import RemoteUnwinder

        trace = RemoteUnwinder(pid, all_threads=True).get_stack_trace()
    except Exception:  # noqa: BLE001 - older Python, the target changed under us, no permission
        return {}
    out = {}
    for item in trace:
        # 3.14 lists threads; 3.15 lists interpreters, each with its threads.
        for thread in getattr(item, "threads", None) or [item]:
            out[getattr(thread, "thread_id", None)] = list(getattr(thread, "frame_info", None) or ())
    return out


def _top_python_frame(pid):
    """Qualified name of the function the main thread is in, or None."""
    frames = thread_stacks(pid).get(pid)
    return frames[0].funcname if frames else None


def main_thread_state(pid):
    """(epoll descriptor or None, words for what the main thread is doing)."""
    try:
        call = _main_syscall(pid)
    except (OSError, ValueError):
        return None, "its main thread cannot be inspected"
    if call is None:
        return None, "its main thread is running"
    epolls, names = _SYSCALLS.get(platform.machine(), (set(), {}))
    nr, arg = call
    func = _top_python_frame(pid)
    if nr in epolls:
        if func is not None and func.endswith("EpollSelector.select"):
            return arg, "its event loop is idle"
        return None, "its main thread waits in epoll_wait (%s)" % (func or "not in Python code")
    what = names.get(nr, "system call %d" % nr)
    return None, "its main thread is blocked in %s%s" % (what, " (in %s)" % func if func else "")


def wake_main_thread(pid):
    """Make the main thread's idle event loop turn once. Returns None when done, else the
    reason it could not (words for the user)."""
    epfd, state = main_thread_state(pid)
    if epfd is None:
        return state
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pidfd = ours = r = w = high = None
    try:
        pidfd = os.pidfd_open(pid)
        ours = libc.syscall(_SYS_PIDFD_GETFD, pidfd, epfd, 0)
        if ours < 0:
            return "its epoll descriptor cannot be reached (%s)" % os.strerror(ctypes.get_errno())
        used = set()
        try:
            used = {int(n) for n in os.listdir("/proc/%d/fd" % pid)}
        except OSError:
            pass
        r, w = os.pipe()
        start = max(used | {r, w}) + 1
        high = fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, start)
        while high in used:  # F_DUPFD gives the lowest free number of *our* table
            os.close(high)
            start += 1
            high = fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, start)
        ep = select.epoll.fromfd(ours)
        ours = None  # the epoll object owns it now
        try:
            ep.register(high, select.EPOLLIN | select.EPOLLONESHOT)
            os.write(w, b"\0")
        finally:
            ep.close()
        return None
    except OSError as exc:
        return "its event loop cannot be woken (%s)" % (exc.strerror or exc)
    finally:
        for fd in (pidfd, ours, w):
            if fd is not None:
                os.close(fd)
        # The pipe stays readable until the target's loop has turned; closing the last
        # descriptor of it takes it out of the target's epoll set, so keep it a moment.
        _pending.extend(fd for fd in (r, high) if fd is not None)


_pending = []  # read ends kept until the attacher exits (or the next close_pending())


def close_pending():
    while _pending:
        try:
            os.close(_pending.pop())
        except OSError:
            pass
