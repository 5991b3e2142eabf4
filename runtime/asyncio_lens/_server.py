"""The runtime's side of the adapter protocol, served on one daemon thread.

Connection and trust: the adapter listens on loopback and passes ``--connect
127.0.0.1:PORT`` plus a one-time token in the environment variable
``ASYNCIO_LENS_TOKEN``. The runtime is the *client*: :func:`connect` refuses any host that
does not resolve to a loopback address, and the first message it sends is the ``hello``
notification carrying the token. Checking the token is the adapter's job: it drops a peer
whose token differs, so a local process that connects to the adapter's port without the
token gets nothing. The runtime removes the token from ``os.environ`` before the program
runs, so neither the program nor its children can read it.

With ``--listen HOST:PORT`` (attach) the roles are reversed: the runtime listens on
loopback (:func:`listen`), prints and writes a fresh token, and the *adapter* connects
and must send ``hello {token}`` as its first message (:func:`accept_with_token`); a peer
whose first message is anything else is dropped and the runtime keeps listening. Then the
runtime sends its own ``hello`` and everything goes on as with ``--connect``.

Other threads post ``loop/blocked``, ``loop/unblocked`` and ``task/warning`` with
:meth:`Server.post`; the server thread sends them within about 50 ms.

Messages (see ``_protocol`` and ``debug-adapter/agentProtocol.ts``):

* ``hello`` {token, version, pid, python} is sent first.
* ``initialize`` {clientName} -> {version, pid, python}
* ``tasks/subscribe`` {intervalMs, compact?} -> {}; then ``tasks/changed`` {seq, time,
  reset, tasks, finished} at most once per interval and only when something changed. The
  first one after a subscribe has ``reset: true`` and lists every live task (it is sent
  even if there are none). With ``compact: true`` tasks are arrays and the notification
  has ``strings`` (``_compact``).
* ``tasks/snapshot`` {compact?} -> Snapshot (compact: tasks and history as arrays, plus
  ``strings``)
* ``program/start`` {} -> {}; the program does not run before it.
* Anything else: error -32601. Bad params: -32602. Invalid JSON: -32700.

If the socket drops, the program keeps running; at exit a last ``tasks/changed`` is
flushed (when subscribed and something changed) and the socket is closed.
"""

import collections
import hmac
import ipaddress
import logging
import os
import select
import socket
import sys
import threading
import time
import warnings

from . import _jsonrpc
from ._jsonrpc import Connection, FramingError
from ._protocol import (
    HELLO,
    INITIALIZE,
    PROGRAM_START,
    PROTOCOL_VERSION,
    TASKS_CHANGED,
    TASKS_SNAPSHOT,
    TASKS_SUBSCRIBE,
    TASK_WARNING,
)
from ._compact import STRING_TABLE_LIMIT, CompactEncoder
from ._wire import Encoded, encode_changed, encode_snapshot
from ._slices import NO_SLICES, Slicer
from ._differ import Differ
from ._snapshot import python_version

__all__ = ["ConnectError", "parse_address", "connect", "listen", "accept_with_token", "Peer", "Server", "AfterReply"]

_log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 100
MIN_INTERVAL_MS = 10
_SEND_TIMEOUT = 10.0
_FINAL_SEND_TIMEOUT = 3.0


def _compact_param(params):
    compact = params.get("compact", False)
    if not isinstance(compact, bool):
        raise _ParamsError("compact must be a boolean")
    return compact


class ConnectError(Exception):
    """The debugger cannot be reached (message is for the user)."""


class _ParamsError(Exception):
    pass


class AfterReply:
    """A handler's result whose *then* callable runs once the response has been sent
    (e.g. resuming the program only after the answer to ``debug/step`` is on its way)."""

    __slots__ = ("result", "then")

    def __init__(self, result, then):
        self.result = result
        self.then = then


def parse_address(text):
    """``HOST:PORT`` or ``[v6]:PORT`` -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ValueError("expected HOST:PORT, got %r" % text)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        port_n = int(port)
    except ValueError:
        raise ValueError("bad port in %r" % text) from None
    if not 0 < port_n < 65536:
        raise ValueError("bad port in %r" % text)
    return host, port_n


def _is_loopback(addr):
    try:
        return ipaddress.ip_address(addr.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def connect(host, port, timeout=10.0):
    """A connected socket to the adapter; only loopback addresses are accepted."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConnectError(str(exc)) from None
    loopback = [i for i in infos if _is_loopback(i[4][0])]
    if not loopback or len(loopback) != len(infos):
        raise ConnectError("%s is not a loopback address; the debugger must listen on 127.0.0.1" % host)
    last = None
    for family, type_, proto, _name, addr in loopback:
        sock = socket.socket(family, type_, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(addr)
        except OSError as exc:
            last = exc
            sock.close()
            continue
        return _ready(sock)
    raise ConnectError(last.strerror or str(last) if last else "no address")


def _ready(sock):
    """A connected peer, set up for small messages sent with a time limit."""
    sock.settimeout(_SEND_TIMEOUT)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    return sock


def listen(host, port):
    """A listening socket on a loopback address (``--listen``); ConnectError otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise ConnectError(str(exc)) from None
    if not infos or not all(_is_loopback(i[4][0]) for i in infos):
        raise ConnectError("%s is not a loopback address; --listen accepts only 127.0.0.1, ::1 or localhost" % host)
    family, type_, proto, _name, addr = infos[0]
    sock = socket.socket(family, type_, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(4)
    except OSError as exc:
        sock.close()
        raise ConnectError(exc.strerror or str(exc)) from None
    return sock


class Peer:
    """An accepted debugger: its socket, and the messages it sent behind ``hello`` in the same
    bytes (the adapter sends ``initialize`` right after it; dropping that hangs the attach)."""

    __slots__ = ("sock", "parser", "pending")

    def __init__(self, sock, parser, pending):
        self.sock = sock
        self.parser = parser
        self.pending = pending


def accept_with_token(listener, token, hello_timeout=10.0, stop=None):
    """Accept peers until one sends ``hello {token}`` first; return it as a :class:`Peer`.

    With ``--listen`` the debugger connects to the runtime, so the roles of the token
    are reversed: the *adapter* must send the ``hello`` notification with the token as
    its first message. A peer that sends anything else, a wrong token, or nothing within
    *hello_timeout* seconds is dropped, and the runtime keeps listening. Returns None when
    *stop* (a threading.Event) is set.
    """
    listener.settimeout(0.5)
    while stop is None or not stop.is_set():
        try:
            sock, _addr = listener.accept()
        except socket.timeout:
            continue
        except OSError:
            return None
        try:
            sock.settimeout(hello_timeout)
            parser = _jsonrpc.MessageParser()
            msgs = []
            deadline = time.monotonic() + hello_timeout
            while not msgs and time.monotonic() < deadline:
                data = sock.recv(65536)
                if not data:
                    break
                msgs = parser.feed(data)
            first = msgs[0] if msgs else None
            params = first.get("params") if isinstance(first, dict) else None
            got = params.get("token") if isinstance(params, dict) else None
            if (isinstance(first, dict) and first.get("method") == HELLO and isinstance(got, str)
                    and hmac.compare_digest(got.encode("utf-8"), token.encode("utf-8"))):
                return Peer(_ready(sock), parser, msgs[1:])
            _log.warning("dropped a peer without the token")
        except (OSError, FramingError, ValueError, AttributeError):
            pass
        try:
            sock.close()
        except OSError:
            pass
    return None


def _thread_count():
    """Threads in this process, counted the way CPython's fork warning counts them."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
        return int(fields[17])
    except Exception:  # noqa: BLE001 - not Linux
        return threading.active_count()


class Server:
    """Serves adapter requests and throttled task deltas on a daemon thread."""

    def __init__(self, sock, collector, token, peer=None):
        self.conn = Connection(sock)
        # Messages that came with the hello of an accepted peer, handled first.
        self._early = []
        if peer is not None:
            self.conn.parser = peer.parser
            self._early = list(peer.pending)
        self.collector = collector
        self.token = token
        self.start_event = threading.Event()  # set by program/start or a lost connection
        self.start_requested = False
        self._lock = threading.RLock()  # collection, diffing and the notifications
        self._differ = Differ()
        self._interval = None
        self._reset = False
        self._compact = None  # the subscription's CompactEncoder, when it asked for that
        self._next_tick = 0.0
        self._pending_finished = []
        self._seq = 0
        self._thread = None
        self._stopping = False
        self._pid = os.getpid()
        self._handlers = {
            INITIALIZE: self._initialize,
            TASKS_SUBSCRIBE: self._subscribe,
            TASKS_SNAPSHOT: self._snapshot,
            PROGRAM_START: self._program_start,
        }
        self._fork_filter = None
        # Notifications posted by other threads (watchdog, warnings): sent by _run.
        self.agent = None
        self._posted = collections.deque(maxlen=10000)
        self.on_close = []  # callables run on the server thread when the connection ends
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(before=self._before_fork, after_in_child=self._after_fork_in_child)

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        """Send ``hello`` and start serving. False if the peer is already gone."""
        ok = self.conn.send(_jsonrpc.notification(HELLO, {
            "token": self.token, "version": PROTOCOL_VERSION, "pid": os.getpid(),
            "python": python_version(),
        }))
        self._thread = threading.Thread(target=self._run, name="asyncio-lens-server", daemon=True)
        self._thread.start()
        return ok

    def add_handlers(self, handlers):
        """Serve more requests: {method: handler(params) -> result}. A handler may raise an
        exception with an ``rpc_code`` attribute: its message goes back as the error."""
        self._handlers.update(handlers)

    def post(self, method, params):
        """Queue a notification; the server thread sends it within ~50 ms (any thread)."""
        self._posted.append((method, params))

    def _flush_posted(self):
        agent = self.agent
        if agent is not None:
            for w in agent.drain_warnings():
                self._posted.append((TASK_WARNING, w))
        while self._posted and not self.conn.closed:
            method, params = self._posted.popleft()
            self.conn.send(_jsonrpc.notification(method, params))

    def wait_for_start(self):
        """Block until ``program/start``; False if the connection ended first."""
        while not self.start_event.wait(0.5):
            pass
        return self.start_requested

    def close(self):
        """Flush the last change (if subscribed) and close the socket."""
        if os.getpid() != self._pid:
            return
        self._stopping = True
        try:
            if self._interval is not None and not self.conn.closed:
                try:
                    self.conn.sock.settimeout(_FINAL_SEND_TIMEOUT)
                except OSError:
                    pass
                self._tick(final=True)
            if not self.conn.closed:
                self._flush_posted()
        except Exception:  # noqa: BLE001
            _log.exception("final flush failed")
        self.conn.close()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(1.0)

    def _before_fork(self):
        # 3.12+ warns on fork() in a multi-threaded process. Our thread must not make a
        # program that is single-threaded on its own get that warning. The warning comes
        # after the after_in_parent hooks on 3.13, so the filter stays until the next
        # fork re-decides; it names this pid, so it matches nothing else.
        self._drop_fork_filter()
        if sys.version_info < (3, 12) or self._pid != os.getpid():
            return
        t = self._thread
        # Every other thread of the runtime (watchdog, debugger engine, snapshots) is
        # named asyncio-lens-*.
        ours = sum(1 for th in threading.enumerate()
                   if th is not t and th.name.startswith("asyncio-lens") and th.is_alive())
        if t is None or not t.is_alive() or _thread_count() > 2 + ours:
            return
        try:
            warnings.filterwarnings(
                "ignore", category=DeprecationWarning,
                message=r"This process \(pid=%d\) is multi-threaded, use of fork\(\) may lead to deadlocks"
                % os.getpid())
            self._fork_filter = warnings.filters[0]
        except Exception:  # noqa: BLE001
            self._fork_filter = None

    def _drop_fork_filter(self):
        f, self._fork_filter = self._fork_filter, None
        if f is None:
            return
        try:
            warnings.filters.remove(f)
            mutated = getattr(warnings, "_filters_mutated", None)
            if mutated is not None:
                mutated()
        except Exception:  # noqa: BLE001
            pass

    def _after_fork_in_child(self):
        self._drop_fork_filter()
        # The child shares the socket: never write to it or shut it down.
        self._pid = -1
        self._interval = None
        self.conn.closed = True
        try:
            self.conn.sock.detach()
        except OSError:
            pass

    # -- the I/O thread ----------------------------------------------------------------
    def _run(self):
        try:
            early, self._early = self._early, []
            for msg in early:
                self._handle(msg)
            while not self.conn.closed and not self._stopping:
                timeout = 0.5 if self.agent is None else 0.05
                if self._interval is not None:
                    timeout = min(timeout, max(0.0, self._next_tick - time.monotonic()))
                try:
                    readable, _, _ = select.select([self.conn.sock], [], [], timeout)
                except (OSError, ValueError):
                    break
                if readable:
                    messages = self.conn.recv_messages()
                    if messages is None:
                        if not self._stopping:
                            _log.info("the debugger closed the connection")
                        break
                    for msg in messages:
                        self._handle(msg)
                if self._interval is not None and time.monotonic() >= self._next_tick:
                    self._tick()
                self._flush_posted()
        except FramingError as exc:
            _log.error("bad framing from the debugger: %s", exc)
        except Exception:  # noqa: BLE001 - contain every agent fault
            _log.exception("server thread failed")
        finally:
            if not self._stopping:
                self.conn.close()
            self.start_event.set()
            for callback in self.on_close:
                try:
                    callback()
                except Exception:  # noqa: BLE001
                    _log.exception("on_close callback failed")

    def _handle(self, msg):
        if isinstance(msg, ValueError):
            self.conn.send(_jsonrpc.error_response(None, _jsonrpc.PARSE_ERROR, "Parse error: %s" % msg))
            return
        if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0":
            self.conn.send(_jsonrpc.error_response(
                msg.get("id") if isinstance(msg, dict) else None, _jsonrpc.INVALID_REQUEST, "Invalid Request"))
            return
        method = msg.get("method")
        is_request = "id" in msg
        msg_id = msg.get("id")
        if not isinstance(method, str):
            if is_request and "result" not in msg and "error" not in msg:
                self.conn.send(_jsonrpc.error_response(msg_id, _jsonrpc.INVALID_REQUEST, "Invalid Request"))
            return  # a response: we send no requests
        handler = self._handlers.get(method)
        if handler is None:
            if is_request:
                self.conn.send(_jsonrpc.error_response(
                    msg_id, _jsonrpc.METHOD_NOT_FOUND, "Method not found: %s" % method))
            return
        params = msg.get("params", {})
        if params is None:
            params = {}
        try:
            if not isinstance(params, dict):
                raise _ParamsError("params must be an object")
            result = handler(params)
        except _ParamsError as exc:
            if is_request:
                self.conn.send(_jsonrpc.error_response(msg_id, _jsonrpc.INVALID_PARAMS, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            code = getattr(exc, "rpc_code", None)
            if isinstance(code, int):  # an answer for the user, not a fault
                if is_request:
                    self.conn.send(_jsonrpc.error_response(msg_id, code, str(exc)))
                return
            _log.exception("request %s failed", method)
            if is_request:
                self.conn.send(_jsonrpc.error_response(
                    msg_id, _jsonrpc.INTERNAL_ERROR, "Internal error: %s: %s" % (type(exc).__name__, exc)))
            return
        then = None
        if isinstance(result, AfterReply):
            result, then = result.result, result.then
        if is_request:
            if isinstance(result, Encoded):
                self.conn.send_frame(_jsonrpc.frame_body(result.text(
                    '{"jsonrpc":"2.0","id":%s,"result":' % _jsonrpc.dumps(msg_id), "}")))
            else:
                self.conn.send(_jsonrpc.response(msg_id, result))
        if then is not None:
            try:
                then()
            except Exception:  # noqa: BLE001
                _log.exception("after %s", method)
        if method == PROGRAM_START:
            self.start_event.set()

    # -- requests ----------------------------------------------------------------------
    def _initialize(self, params):
        return {"version": PROTOCOL_VERSION, "pid": os.getpid(), "python": python_version()}

    def _subscribe(self, params):
        interval = params.get("intervalMs", DEFAULT_INTERVAL_MS)
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval >= 0:
            raise _ParamsError("intervalMs must be a non-negative number")
        compact = _compact_param(params)
        if self.agent is not None:
            self.agent.enable_timing()
        with self._lock:
            self.collector.tracker.start_recording()
            self._interval = max(float(interval), MIN_INTERVAL_MS) / 1000.0
            self._reset = True
            self._compact = CompactEncoder() if compact else None
            self._next_tick = time.monotonic()
        return {}

    def _snapshot(self, params):
        compact = _compact_param(params)
        if self.agent is not None:
            self.agent.enable_timing()
        with self._lock:
            slicer = Slicer(self.collector.tracker.loops())
            live, finished = self.collector.collect(slicer=slicer)
            if self._interval is not None:
                self._pending_finished.extend(finished)
            return encode_snapshot(self.collector.snapshot(live), compact, slicer)

    def _program_start(self, params):
        self.start_requested = True
        return {}

    # -- notifications -----------------------------------------------------------------
    def _tick(self, final=False):
        with self._lock:
            if self._interval is None or self.conn.closed:
                return
            slicer = NO_SLICES if final else Slicer(self.collector.tracker.loops())
            live, finished = self.collector.collect(slicer=slicer)
            if self._pending_finished:
                finished = self._pending_finished + finished
                self._pending_finished = []
            encoder = self._compact
            reset = self._reset or (encoder is not None and len(encoder) > STRING_TABLE_LIMIT)
            tasks, done = self._differ.diff(live, finished, reset, slicer)
            self._next_tick = time.monotonic() + self._interval
            if not (reset or tasks or done):
                return
            self._reset = False
            self._seq += 1
            if encoder is not None and reset:  # the adapter starts its table again too
                encoder = self._compact = CompactEncoder()
            self.conn.send_frame(_jsonrpc.frame_body(encode_changed(
                self._seq, time.time(), reset, tasks, done, encoder, slicer,
                '{"jsonrpc":"2.0","method":%s,"params":' % _jsonrpc.dumps(TASKS_CHANGED), "}")))
