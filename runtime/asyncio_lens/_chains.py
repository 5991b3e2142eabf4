"""Await chains: walking a task's coroutines to the innermost one, and what a chain says.

:func:`walk_chain` gives the (coroutine-like object, frame) links of a task's chain,
through coroutines, async generators, generator-based awaitables and ``__await__``
wrappers. Chains are shared between tasks suspended at the same places: their JSON frames
and per-chain facts (:func:`facts`) are cached by the chain's key, which
:func:`chain_key` computes without building the links (a collection makes one per task).
"""

import asyncio
import gc
import types

from . import _tracker, _waits

__all__ = ["walk_chain", "walk", "chain_key", "link_at", "facts", "FACTS", "interned_waiting"]

_CHAIN_KEEP = 100  # frames kept at each end of a very deep chain
_CHAIN_WALK_LIMIT = 100000

_CoroutineType = types.CoroutineType
_AsyncGenType = types.AsyncGeneratorType
_GeneratorType = types.GeneratorType


def _unwrap(obj):
    """The coroutine/generator behind a wrapper that has no public attribute for it."""
    if type(obj).__name__ in _WRAPPERS:
        for ref in gc.get_referents(obj):
            if type(ref) in (_CoroutineType, _AsyncGenType, _GeneratorType):
                return ref
    return None


def walk_chain(coro):
    """List of (coroutine-like object, frame) from *coro* inward, to the leaf."""
    return walk(coro)[0]


# Chain entries are shared between tasks suspended at the same place, and so are their
# comparison keys: (id(code), lasti, qualname) -> (code, entry dict, entry key). The code
# object is kept so that its id stays unique while the entry is cached.
_entries = {}


def _entry(obj, frame):
    code = frame.f_code
    name = obj.__qualname__
    k = (id(code), frame.f_lasti, name)
    hit = _entries.get(k)
    if hit is not None and hit[0] is code:
        return hit
    line = frame.f_lineno
    if line is None:
        line = code.co_firstlineno
    if not isinstance(name, str):
        name = code.co_name
    entry = {"name": name, "file": code.co_filename, "line": line}
    hidden = code.co_filename.startswith(_tracker._RUNTIME_DIR)  # the agent's own wrappers
    hit = (code, None if hidden else entry, (name, code.co_filename, line))
    if len(_entries) > 50000:
        _entries.clear()
    _entries[k] = hit
    return hit


# Interned values, shared by every task that has the same one (chain key -> (chain, key);
# waiting key -> waiting dict): fewer long-lived containers per task. Each one the
# collector adds to the heap is work for the cyclic GC, and 10 000 tasks' worth at once
# makes it run a full collection (50-65 ms with the GIL held). Never mutated.
_chains = {}
_waitings = {}


def _chain_json(links):
    """(chain, key) for the links of walk_chain, trimmed in the middle when very deep."""
    if len(links) > 2 * _CHAIN_KEEP:
        links = links[:_CHAIN_KEEP] + links[-_CHAIN_KEEP:]
    hits = [_entry(obj, frame) for obj, frame in links]
    key = tuple([h[2] for h in hits if h[1] is not None])
    hit = _chains.get(key)
    if hit is None:
        if len(_chains) > 10000:
            _chains.clear()
        hit = _chains[key] = ([h[1] for h in hits if h[1] is not None], key)
    return hit


# Per-chain facts, shared by every task suspended at the same places: its chain and key,
# whether it is inside a TaskGroup's exit, the wait frame (``_waits.wait_frame``) and, for
# waits fully described by their kind, the waiting dict and its key. Keyed by the flat
# tuple (qualname, id(code), lasti) of each frame (``_walk``, ``_chain_key``): a code
# object's own hash is computed from its contents on every call (0.7 us a lookup). The
# value keeps the code objects, so that those ids stay theirs while the entry is cached.
FACTS = {}
_FACTS_LIMIT = 10000


def walk(coro):
    """(links, key): :func:`walk_chain` and the chain's key in ``FACTS``."""
    links = []
    key = []
    add = key.append
    obj = coro
    while obj is not None and len(links) < _CHAIN_WALK_LIMIT:
        t = type(obj)
        if t is _CoroutineType:
            frame = obj.cr_frame
            nxt = obj.cr_await
        elif t is _AsyncGenType:
            frame = obj.ag_frame
            nxt = obj.ag_await
        elif t is _GeneratorType:
            frame = obj.gi_frame
            nxt = obj.gi_yieldfrom
        else:
            obj = _unwrap(obj)
            continue
        if frame is None:
            break
        links.append((obj, frame))
        add(obj.__qualname__)
        add(id(frame.f_code))
        add(frame.f_lasti)
        obj = nxt
    return links, tuple(key)


# Types that end a chain (at the bottom a coroutine awaits a future's iterator or a
# future): learnt as walks meet them. Generators, async generators and wrappers
# (``_unwrap``) need the general walk.
_ENDS = {type(None)}
_WRAPPERS = ("coroutine_wrapper", "async_generator_asend", "async_generator_athrow")


def _ends_chain(t):
    if t in (_GeneratorType, _AsyncGenType) or t.__name__ in _WRAPPERS:
        return False
    if len(_ENDS) < 100:
        _ENDS.add(t)
    return True


def chain_key(coro):
    """The key :func:`_walk` gives for *coro*, or None when the chain is not coroutines
    only (walk it then). It skips the links: half of ``_walk``'s cost, and a first
    collection makes one per task."""
    key = []
    add = key.append
    obj = coro
    while type(obj) is _CoroutineType:
        frame = obj.cr_frame
        if frame is None:
            return tuple(key)
        add(obj.__qualname__)
        add(id(frame.f_code))
        add(frame.f_lasti)
        obj = obj.cr_await
    if type(obj) in _ENDS or _ends_chain(type(obj)):
        return tuple(key)
    return None


def link_at(coro, index, links=None):
    """The (object, frame) at *index* in *coro*'s chain: from *links* when walked, else
    by following ``cr_await`` (a chain :func:`chain_key` keyed: coroutines only). A wait's
    classification needs only that frame, and walking to it costs a fraction of
    :func:`walk`."""
    if links is None:
        obj = coro
        for _ in range(index):
            obj = obj.cr_await
            if type(obj) is not _CoroutineType:  # moved since it was keyed
                break
        else:
            return obj, obj.cr_frame
        links = walk(coro)[0]
    return links[index] if index < len(links) else (None, None)


def facts(links, key):
    hit = FACTS.get(key)
    if hit is None:
        chain, ckey = _chain_json(links)
        found = _waits.wait_frame(links)
        fixed = None
        detail = _waits.FIXED_DETAILS.get(found[0])
        if detail is not None:
            wkey = (found[0], detail, (), None)
            fixed = (interned_waiting({"kind": found[0], "detail": detail, "tasks": []}, wkey), wkey)
        if len(FACTS) > _FACTS_LIMIT:
            FACTS.clear()
        hit = FACTS[key] = (chain, ckey, _in_group_exit(links), found, fixed,
                                   tuple([f.f_code for _o, f in links]))
    return hit


def interned_waiting(waiting, wkey):
    """One shared dict for waits fully described by their key (no deadline, holder, thread)."""
    if len(waiting) != 3 or wkey[1] != waiting["detail"]:
        return waiting
    hit = _waitings.get(wkey)
    if hit is None:
        if len(_waitings) > 10000:
            _waitings.clear()
        hit = _waitings[wkey] = waiting
    return hit


_TG_AEXIT_CODES = frozenset(
    id(getattr(getattr(asyncio, "TaskGroup", None), a, None).__code__)
    for a in ("__aexit__", "_aexit") if getattr(getattr(asyncio, "TaskGroup", None), a, None) is not None)


def _in_group_exit(links):
    for _obj, f in links:
        if id(f.f_code) in _TG_AEXIT_CODES:
            return True
    return False
