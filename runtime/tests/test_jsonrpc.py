"""Content-Length framing: multi-byte UTF-8, split reads, several messages per read."""

import json
import socket
import threading

import pytest

from asyncio_lens import _jsonrpc
from asyncio_lens._jsonrpc import Connection, FramingError, MessageParser, encode

MESSAGES = [
    _jsonrpc.notification("hello", {"token": "t\u00f6k\u00e9n-\u2603-\U0001F600", "version": 1}),
    _jsonrpc.request(1, "initialize", {"clientName": "\u65e5\u672c\u8a9e \u0645\u0631\u062d\u0628\u0627"}),
    _jsonrpc.response(1, {"version": 1, "pid": 42, "python": "3.12.1"}),
    _jsonrpc.error_response(2, _jsonrpc.METHOD_NOT_FOUND, "Method not found: x"),
    _jsonrpc.request("str-id", "tasks/snapshot"),
]


def test_encode_counts_bytes_not_characters():
    frame = encode({"s": "\u00e9\U0001F600"})
    header, body = frame.split(b"\r\n\r\n", 1)
    assert header == b"Content-Length: %d" % len(body)
    assert len(body) > len('{"s":"\u00e9\U0001F600"}')
    assert json.loads(body.decode("utf-8")) == {"s": "\u00e9\U0001F600"}
    assert "\u00e9".encode("utf-8") in body  # UTF-8, not \\u escapes


def test_round_trip_whole_stream():
    stream = b"".join(encode(m) for m in MESSAGES)
    assert MessageParser().feed(stream) == MESSAGES


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64])
def test_split_reads_give_the_same_messages(chunk):
    stream = b"".join(encode(m) for m in MESSAGES)
    parser = MessageParser()
    out = []
    for i in range(0, len(stream), chunk):
        out.extend(parser.feed(stream[i:i + chunk]))
    assert out == MESSAGES


def test_split_inside_a_multibyte_character():
    frame = encode({"s": "\U0001F600"})
    cut = frame.index(b"\xf0") + 2  # in the middle of the 4-byte sequence
    parser = MessageParser()
    assert parser.feed(frame[:cut]) == []
    assert parser.feed(frame[cut:]) == [{"s": "\U0001F600"}]


def test_other_headers_and_case_are_accepted():
    body = json.dumps({"a": 1}).encode()
    frame = b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s" % (
        len(body), body)
    assert MessageParser().feed(frame) == [{"a": 1}]


def test_bad_json_is_reported_and_framing_survives():
    bad = b"{nope"
    stream = b"Content-Length: %d\r\n\r\n%s" % (len(bad), bad) + encode({"ok": True})
    out = MessageParser().feed(stream)
    assert isinstance(out[0], ValueError)
    assert out[1] == {"ok": True}


def test_invalid_utf8_is_a_parse_error():
    body = b'{"s": "\xff"}'
    out = MessageParser().feed(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    assert isinstance(out[0], ValueError)


@pytest.mark.parametrize("header", [b"Content-Length: x", b"Content-Type: a", b"garbage", b"Content-Length: -1"])
def test_bad_headers_break_framing(header):
    with pytest.raises(FramingError):
        MessageParser().feed(header + b"\r\n\r\n{}")


def test_connection_over_a_socket_pair():
    a, b = socket.socketpair()
    try:
        ca, cb = Connection(a), Connection(b)
        big = {"text": "\u00e9" * 200000}  # larger than one recv
        threads = [threading.Thread(target=ca.send, args=(m,)) for m in (big,)]
        for t in threads:
            t.start()
        got = []
        while not got:
            got.extend(cb.recv_messages())
        for t in threads:
            t.join()
        assert got == [big]
        assert ca.send(MESSAGES[0])
        got = []
        while not got:
            got.extend(cb.recv_messages())
        assert got == [MESSAGES[0]]
        cb.close()
        assert ca.recv_messages() is None
        assert ca.closed
        assert ca.send(MESSAGES[0]) is False  # the peer is gone: no exception
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 33])
def test_dumps_list_in_pieces_is_the_same_text_as_one_dumps(n):
    items = [{"id": i, "chain": [i, "\u00e9"], "none": None} for i in range(n)]
    pauses = []
    text = _jsonrpc.dumps_list(items, pause_every=8, pause=lambda: pauses.append(1))
    assert text == _jsonrpc.dumps(items)
    assert len(pauses) == max(0, (n - 1) // 8)
