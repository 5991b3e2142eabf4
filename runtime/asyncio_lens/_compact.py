"""The compact wire form of task infos (``tasks/subscribe {compact: true}``,
``tasks/snapshot {compact: true}``), decoded back by the adapter (``compactTasks.ts``).

A full ``TaskInfo`` is ~700-850 bytes of JSON, mostly file paths and qualnames repeated
in every chain frame; 10 000 of them take 100+ ms to encode. In the compact form:

* strings that repeat (file paths, qualnames, coroutine names, states, wait kinds) are
  sent once, in a string table, and referred to by index. A ``tasks/changed`` carries
  ``strings``: the entries added to the subscription's table since the previous
  notification (the table starts empty at every ``reset: true``); a snapshot carries its
  own whole table.
* await chains go once into a chain table the same way (``chains``: the new ones), each
  a list of frames ``[name, file, line]``; tasks suspended at the same places share one.
* a task is an array in the order of ``TASK_KEYS`` (``COMPACT_TASK_FIELDS``), with
  ``state`` and ``coro`` as string indices, ``created_at`` as ``[file, line]``, ``chain``
  as a chain index and ``waiting_on`` as ``[kind, detail, tasks]`` plus, only when
  present, an object with its other keys (``deadline``, ``holder``, ``thread``,
  ``stack``) as they are in the full form. Names, details, exceptions and ``cancel``
  stay as they are (they seldom repeat).

Chains and sites are shared objects in the collector (``_snapshot``), so they are looked
up by identity (the object kept alive by the cache so that its id stays its own), and by
content when a new object has the same frames.
"""

__all__ = ["CompactEncoder", "STRING_TABLE_LIMIT"]

#: A subscription's tables past this many strings or chains are started again (with a reset).
STRING_TABLE_LIMIT = 100000

_CACHE_LIMIT = 20000


class CompactEncoder:
    """Turns infos into compact rows, with one growing string table."""

    __slots__ = ("_index", "_new", "_chains", "_chain_index", "_new_chains", "_sites")

    def __init__(self):
        self._index = {}
        self._new = []
        self._chains = {}  # id(chain list) -> (chain, chain index)
        self._chain_index = {}  # compact frames as a tuple of tuples -> chain index
        self._new_chains = []
        self._sites = {}  # id(site dict) -> (site, [file, line])

    def __len__(self):
        """Size of the larger table."""
        return max(len(self._index), len(self._chain_index))

    def take_strings(self):
        """The strings added since the last call, in index order."""
        new, self._new = self._new, []
        return new

    def take_chains(self):
        """The chains added since the last call, in index order (call after take_strings:
        their frames refer to strings)."""
        new, self._new_chains = self._new_chains, []
        return new

    def ref(self, text):
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self._index)
            self._new.append(text)
        return i

    def _site(self, site):
        if site is None:
            return None
        hit = self._sites.get(id(site))
        if hit is not None and hit[0] is site:
            return hit[1]
        row = [self.ref(site["file"]), site["line"]]
        if len(self._sites) > _CACHE_LIMIT:
            self._sites.clear()
        self._sites[id(site)] = (site, row)
        return row

    def _chain(self, chain):
        hit = self._chains.get(id(chain))
        if hit is not None and hit[0] is chain:
            return hit[1]
        ref = self.ref
        frames = tuple([(ref(f["name"]), ref(f["file"]), f["line"]) for f in chain])
        index = self._chain_index.get(frames)
        if index is None:
            index = self._chain_index[frames] = len(self._chain_index)
            self._new_chains.append(frames)
        if len(self._chains) > _CACHE_LIMIT:
            self._chains.clear()
        self._chains[id(chain)] = (chain, index)
        return index

    def _waiting(self, waiting):
        if waiting is None:
            return None
        row = [self.ref(waiting["kind"]), waiting["detail"], waiting["tasks"]]
        if len(waiting) > 3:
            row.append({k: v for k, v in waiting.items() if k not in ("kind", "detail", "tasks")})
        return row

    def row(self, info):
        """The compact array of one ``TaskInfo`` dict (fields in ``TASK_KEYS`` order)."""
        ref = self.ref
        return [
            info["id"], info["name"], ref(info["state"]), info["parent"], info["group"],
            ref(info["coro"]), self._site(info["created_at"]), self._chain(info["chain"]),
            self._waiting(info["waiting_on"]), info["awaited_by"], info["cancel"], info["exception"],
            info["steps"], info["busy_ms"], info["created"], info["first_run"], info["finished"],
            info["shielded"],
        ]

    def rows(self, infos, tick=None):
        """Rows of many infos; *tick* is called every few rows (``Slicer.tick``)."""
        out = []
        row = self.row
        for i, info in enumerate(infos):
            if tick is not None and not i & 63:
                tick()
            out.append(row(info))
        return out
