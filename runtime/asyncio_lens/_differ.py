"""Successive collections turned into ``tasks/changed`` payloads: only tasks whose info
changed, plus the tasks that finished in between. Sleeping tasks are compared by
deadline, not by the "N s left" text, so a countdown alone is no change."""

__all__ = ["Differ"]

_TICK_EVERY = 16  # tasks between looks at the slice's clock


def _no_tick():
    pass


class Differ:
    """Turns successive collections into ``tasks/changed`` payloads."""

    def __init__(self, max_unseen_finished=1000):
        self._sent = {}  # id -> (key, info) of live tasks already sent
        self.max_unseen_finished = max_unseen_finished

    def diff(self, live, finished, reset=False, slicer=None):
        """(tasks, finished) to send; both empty when nothing changed."""
        tick = slicer.tick if slicer is not None else _no_tick
        if reset:
            self._sent = {}
        sent = self._sent
        new_sent = {}
        changed = []
        for i, entry in enumerate(live):
            if not i % _TICK_EVERY:
                tick()
            info = entry[3]
            key = entry[6]
            tid = info["id"]
            new_sent[tid] = (key, info)
            prev = sent.get(tid)
            if prev is None or prev[0] != key:
                changed.append(info)
        out_finished = []
        unseen = []
        finished_ids = set()
        for info in finished:
            finished_ids.add(info["id"])
            if info["id"] in sent:
                out_finished.append(info)
            else:
                unseen.append(info)
        if len(unseen) > self.max_unseen_finished:
            unseen = unseen[-self.max_unseen_finished:]
        # Live before, neither live nor reported finished now: it finished and was freed
        # without a record (a task from the program's own factory). Its final state is
        # unknown; report it as done.
        for tid, (_key, info) in sent.items():
            if tid not in new_sent and tid not in finished_ids:
                gone = dict(info, state="done", chain=[], waiting_on=None, awaited_by=[])
                out_finished.append(gone)
        self._sent = new_sent
        return changed, out_finished + unseen
