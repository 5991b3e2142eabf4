"""Long jobs of the agent's threads (collecting, diffing, encoding) cut into short slices,
with the event loops' threads let through in between.

A collection of 10 000 tasks is tens of milliseconds of Python holding the GIL. Releasing
the GIL briefly (``time.sleep(1e-4)``) is not enough on a loaded machine: the loop's
thread is often not scheduled within that window, the agent takes the GIL straight back,
and the loop waits for the interpreter's forced switch (5 ms, ``sys.getswitchinterval``)
at every slice. So after each slice (about 1 ms of work) :class:`Slicer` posts a no-op
to every running loop (``call_soon_threadsafe``) and waits until that loop has turned.
A loop's lag is then bounded by one slice plus one turn of its own.

While a job keeps the cyclic GC off (:meth:`Slicer.collect_garbage`), the young
generations are collected at every hand-over: what the job allocated in one slice is a
short collection, where all of it at once, when the GC is switched on again, stalls the
loop for 5-15 ms (10 000 tasks: their chain frames, made on first access on 3.11+, and
the infos).

A loop that does not turn within ``_TURN_WAIT`` (blocked by the program, paused at a
breakpoint, closing) is not waited for again in the same job; with no loop left to wait
for, a slice ends with a plain short sleep. A loop run by the calling thread itself is
never waited for (it cannot turn while we run).
"""

import gc
import threading
import time

__all__ = ["Slicer", "NO_SLICES", "settle_survivors"]

_clock = time.perf_counter
_SLICE = 0.001  # seconds of work between hand-overs
_TURN_WAIT = 0.005  # longest wait for one loop's turn


class Slicer:
    """``tick()`` often (cheap); every ``_SLICE`` seconds it lets the loops run."""

    __slots__ = ("_loops", "_deadline", "enabled", "handovers", "gc_off")

    def __init__(self, loops=(), enabled=True):
        self.enabled = enabled
        self.handovers = 0
        self.gc_off = False
        me = threading.get_ident()
        self._loops = []
        if enabled:
            for loop in loops:
                try:
                    if loop.is_running() and not loop.is_closed() and getattr(loop, "_thread_id", None) != me:
                        self._loops.append(loop)
                except Exception:  # noqa: BLE001 - an odd loop: not waited for
                    continue
        self._deadline = _clock() + _SLICE

    def tick(self):
        if self.enabled and _clock() >= self._deadline:
            self.hand_over()

    def hand_over(self):
        self.handovers += 1
        if self.gc_off:
            self.collect_garbage()
        waited = False
        for loop in list(self._loops):
            turned = threading.Event()
            try:
                loop.call_soon_threadsafe(turned.set)
            except Exception:  # noqa: BLE001 - closed meanwhile
                self._loops.remove(loop)
                continue
            if turned.wait(_TURN_WAIT):
                waited = True
            else:
                self._loops.remove(loop)
        if not waited:
            time.sleep(1e-4)
        self._deadline = _clock() + _SLICE

    def collect_garbage(self):
        """What the GC would do by itself now (the caller keeps it off), never more: the
        youngest generation past its threshold, the middle one every that many times.
        Never the oldest: asking for it explicitly, or counting more middle collections
        than the GC would, brings the program's next full collection (tens of ms with
        10 000 tasks) forward into the job."""
        try:
            t0, t1, _t2 = gc.get_threshold()
            n0, n1, _n2 = gc.get_count()
            if t0 and n0 > t0:
                gc.collect(1 if n1 >= t1 else 0)
        except Exception:  # noqa: BLE001
            pass


# Objects in the permanent generation when the runtime was imported (3.12 keeps a few
# hundred of its own there): any other count means the program uses gc.freeze() itself,
# and settle_survivors() must not unfreeze its objects.
_expected_frozen = gc.get_freeze_count() if hasattr(gc, "get_freeze_count") else None


def settle_survivors():
    """Move the young generations' live objects into the oldest one without counting them
    as newly promoted; True if done.

    A first collection of 10 000 tasks leaves ~40 000 long-lived objects of its own (infos,
    cache entries) and, on 3.11+, ~50 000 frame objects that reading ``cr_frame``
    materialises. Promoted by the GC, they count towards the program's next *full*
    collection (due when the objects promoted since the last one exceed a quarter of those
    that survived it), which then comes at once: 35-55 ms with the GIL held, the loop
    stalled. ``gc.freeze()`` + ``gc.unfreeze()`` moves them into the oldest generation
    without that count: they join the program's next full collection when it is due by
    itself. The price: cyclic garbage that was in the middle generation at this moment
    is reclaimed at that full collection rather than at the next middle one (the youngest
    is collected first). Skipped when the program froze objects itself."""
    global _expected_frozen
    try:
        if _expected_frozen is None or gc.get_freeze_count() != _expected_frozen:
            return False
        gc.collect(0)
        gc.freeze()
        gc.unfreeze()
        _expected_frozen = 0
        return True
    except Exception:  # noqa: BLE001
        return False


#: For jobs that must not wait (the final flush at exit).
NO_SLICES = Slicer(enabled=False)
