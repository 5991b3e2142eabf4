"""A real-time signal that makes the main thread run a debugger callback promptly.

Python runs signal handlers on the main thread at the next bytecode boundary, also in a
busy loop, and a blocking call (``time.sleep``, ``select``) returns EINTR, runs the
handler, and is retried (PEP 475). The debugger uses this to install its tracer on the
main thread when it becomes needed (3.10/3.11) and to pause a main thread blocked in a
call at once. Linux only (``SIGRTMIN + 7``); taken only if nobody handles it already.
"""

import signal
import threading

__all__ = ["MainSignal"]

_SIGNAL = signal.SIGRTMIN + 7 if hasattr(signal, "SIGRTMIN") and hasattr(signal, "pthread_kill") else None


class MainSignal:
    def __init__(self):
        self.ok = False
        self._old = None
        self._main = threading.main_thread().ident
        self._callbacks = []

    def install(self):
        """On the main thread. True if the signal is ours now."""
        if _SIGNAL is None or threading.get_ident() != self._main:
            return False
        try:
            if signal.getsignal(_SIGNAL) not in (signal.SIG_DFL, None):
                return False
            self._old = signal.signal(_SIGNAL, self._handler)
            self.ok = True
        except (ValueError, OSError, RuntimeError):
            self.ok = False
        return self.ok

    def add(self, callback):
        """*callback(frame)* runs on the main thread, with the interrupted frame."""
        self._callbacks.append(callback)

    def _handler(self, signum, frame):
        for cb in list(self._callbacks):
            try:
                cb(frame)
            except KeyboardInterrupt:
                raise
            except Exception:  # noqa: BLE001 - never into user code
                pass

    def kick(self):
        """Ask the main thread to run the callbacks (from any thread)."""
        if not self.ok:
            return False
        try:
            signal.pthread_kill(self._main, _SIGNAL)
            return True
        except (OSError, ValueError):
            return False

    def close(self):
        if self.ok and threading.get_ident() == self._main:
            try:
                signal.signal(_SIGNAL, self._old if self._old is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass
        self.ok = False
        self._callbacks = []
