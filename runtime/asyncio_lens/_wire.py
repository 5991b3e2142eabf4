"""JSON text of the big results (``tasks/changed``, ``tasks/snapshot``), full or compact,
encoded in pieces with the event loops let through in between (``_slices``)."""

from . import _jsonrpc
from ._compact import CompactEncoder
from ._slices import NO_SLICES

__all__ = ["Encoded", "encode_changed", "encode_snapshot"]

_FULL_PER_PAUSE = 8  # a full info is ~800 bytes of JSON
_COMPACT_PER_PAUSE = 32  # a compact row ~150


class Encoded:
    """A result whose big lists are encoded piecewise, the loops let through in between."""

    def __init__(self, obj, list_keys, slicer=NO_SLICES, items_per_pause=_FULL_PER_PAUSE):
        self.obj = obj
        self.list_keys = list_keys
        self.slicer = slicer
        self.items_per_pause = items_per_pause

    def text(self, prefix="", suffix=""):
        """The JSON text, between *prefix* and *suffix* (joined once: no copy of a big text)."""
        slicer = self.slicer
        parts = [prefix, "{"]
        for n, (key, value) in enumerate(self.obj.items()):
            if n:
                parts.append(",")
            parts.append(_jsonrpc.dumps(key))
            parts.append(":")
            if key in self.list_keys:
                _jsonrpc.dumps_list_into(parts, value, self.items_per_pause, slicer.tick)
            else:
                parts.append(_jsonrpc.dumps(value))
        parts.append("}")
        parts.append(suffix)
        return "".join(parts)


def encode_changed(seq, time_, reset, tasks, finished, encoder=None, slicer=NO_SLICES, prefix="", suffix=""):
    """``tasks/changed`` params as JSON text (between *prefix* and *suffix*); compact with
    the subscription's *encoder* (a :class:`CompactEncoder`, started again by the caller
    at a reset)."""
    if encoder is None:
        return Encoded({"seq": seq, "time": time_, "reset": reset, "tasks": tasks, "finished": finished},
                       ("tasks", "finished"), slicer).text(prefix, suffix)
    tasks = encoder.rows(tasks, slicer.tick)
    finished = encoder.rows(finished, slicer.tick)
    return Encoded({"seq": seq, "time": time_, "reset": reset, "strings": encoder.take_strings(),
                    "chains": encoder.take_chains(), "tasks": tasks, "finished": finished},
                   ("strings", "chains", "tasks", "finished"), slicer, _COMPACT_PER_PAUSE).text(prefix, suffix)


def encode_snapshot(snap, compact=False, slicer=NO_SLICES):
    """An :class:`Encoded` ``tasks/snapshot`` result (*snap* from ``Collector.snapshot``)."""
    if not compact:
        return Encoded(snap, ("tasks", "history"), slicer)
    encoder = CompactEncoder()
    snap = dict(snap)
    snap["tasks"] = encoder.rows(snap["tasks"], slicer.tick)
    snap["history"] = encoder.rows(snap["history"], slicer.tick)
    snap["strings"] = encoder.take_strings()
    snap["chains"] = encoder.take_chains()
    return Encoded(snap, ("tasks", "history", "strings", "chains"), slicer, _COMPACT_PER_PAUSE)
