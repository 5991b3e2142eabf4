"""JSON-RPC 2.0 messages with ``Content-Length`` framing (the LSP/DAP base protocol).

A frame is ``Content-Length: N\\r\\n\\r\\n`` followed by N bytes of UTF-8 JSON. Other
headers (``Content-Type``) are accepted and ignored. :class:`MessageParser` is a pure
byte-stream parser (any split of the stream gives the same messages), :func:`encode`
builds one frame, :class:`Connection` puts both on a socket with a write lock.
"""

import json
import logging
import socket
import threading

__all__ = [
    "PARSE_ERROR",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "INVALID_PARAMS",
    "INTERNAL_ERROR",
    "FramingError",
    "MessageParser",
    "encode",
    "dumps",
    "dumps_list",
    "dumps_list_into",
    "frame_body",
    "request",
    "notification",
    "response",
    "error_response",
    "Connection",
]

_log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

_MAX_HEADER = 8192
_MAX_BODY = 256 * 1024 * 1024


class FramingError(Exception):
    """The byte stream is not valid Content-Length framing; the stream is lost."""


class MessageParser:
    """Feeds bytes, yields decoded messages (or ``FramingError``/``ValueError`` items).

    A body that is not valid JSON yields a ``ValueError`` instance in place of the
    message, so the caller can answer with a parse error and go on: framing is intact.
    """

    def __init__(self):
        self._buf = bytearray()
        self._need = None  # body length once the header is read

    def feed(self, data):
        self._buf += data
        out = []
        while True:
            if self._need is None:
                end = self._buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buf) > _MAX_HEADER:
                        raise FramingError("header too long")
                    return out
                header = bytes(self._buf[:end]).decode("ascii", "replace")
                del self._buf[: end + 4]
                self._need = _content_length(header)
            if len(self._buf) < self._need:
                return out
            body = bytes(self._buf[: self._need])
            del self._buf[: self._need]
            self._need = None
            try:
                out.append(json.loads(body.decode("utf-8")))
            except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError
                out.append(ValueError(str(exc)))


def _content_length(header):
    length = None
    for line in header.split("\r\n"):
        name, sep, value = line.partition(":")
        if not sep:
            raise FramingError("bad header line %r" % line[:80])
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise FramingError("bad Content-Length %r" % value[:40]) from None
    if length is None or length < 0 or length > _MAX_BODY:
        raise FramingError("missing or invalid Content-Length")
    return length


# One encoder for every call: json.dumps with options builds a new one each time.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def dumps(value):
    """Compact JSON text (UTF-8 characters kept, NaN refused)."""
    return _encode(value)


def dumps_list(items, pause_every=200, pause=None):
    """JSON text of a list, encoded item by item, calling *pause* every *pause_every* items.

    One json.dumps of a 10 000-task list holds the GIL for tens of milliseconds; this lets
    the program's threads run in between. Items are encoded *pause_every* at a time.
    """
    parts = []
    dumps_list_into(parts, items, pause_every, pause)
    return "".join(parts)


def dumps_list_into(parts, items, pause_every=200, pause=None):
    """:func:`dumps_list`, its pieces appended to *parts* (one join for a whole message:
    each copy of a 8 MB text holds the GIL for milliseconds)."""
    parts.append("[")
    first = True
    for i in range(0, len(items), pause_every):
        if pause is not None and i:
            pause()
        text = _encode(items[i:i + pause_every])
        if len(text) > 2:
            if not first:
                parts.append(",")
            parts.append(text[1:-1])
            first = False
    parts.append("]")


def frame_body(body):
    """One frame for an already encoded JSON text."""
    data = body.encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(data), data)


def encode(message):
    """One frame for *message* (a JSON-serialisable dict)."""
    return frame_body(dumps(message))


def request(id_, method, params=None):
    msg = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def notification(method, params=None):
    msg = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def response(id_, result):
    return {"jsonrpc": "2.0", "id": id_, "result": result}


def error_response(id_, code, message, data=None):
    err = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": id_, "error": err}


_SEND_FLAGS = getattr(socket, "MSG_NOSIGNAL", 0)  # no SIGPIPE even if the program set SIG_DFL


class Connection:
    """A framed JSON-RPC stream on a connected socket. ``send`` is thread-safe."""

    def __init__(self, sock):
        self.sock = sock
        self.parser = MessageParser()
        self._wlock = threading.Lock()
        self.closed = False

    def send(self, message):
        """Send one message; False (and the connection closed) if the peer is gone."""
        return self.send_frame(encode(message))

    def send_frame(self, data):
        """Send one already framed message (see frame_body)."""
        with self._wlock:
            if self.closed:
                return False
            try:
                self.sock.sendall(data, _SEND_FLAGS)
                return True
            except OSError:  # includes timeouts: a partial frame ruins the stream
                self._close_locked()
                return False

    def recv_messages(self, bufsize=65536):
        """Block for the next bytes; the messages they complete. None at end of stream."""
        try:
            data = self.sock.recv(bufsize)
        except socket.timeout:
            return []
        except OSError as exc:
            _log.info("receiving failed: %s", exc)
            data = b""
        if not data:
            self.close()
            return None
        return self.parser.feed(data)

    def close(self):
        with self._wlock:
            self._close_locked()

    def _close_locked(self):
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
