"""Who holds an ``asyncio.Lock``: asyncio does not record it, so the agent does.

:func:`install` wraps ``asyncio.Lock.acquire`` and ``release``: after a successful
acquire the lock's ``_lens_owner`` is the current task's id, and ``release`` clears it.
The wrapper is a coroutine in this package, so it adds one frame (hidden from chains,
whose runtime frames are dropped) to an ``acquire`` that suspends. ``Condition`` uses its
lock's ``acquire``/``release``, so its lock's holder is known too. Locks acquired before
:func:`install` have no recorded owner.
"""

import asyncio
from asyncio import tasks as _tasks

__all__ = ["install", "uninstall", "owner_of"]

_saved = {}
_current_task = _tasks.current_task


def owner_of(lock):
    """Id of the task holding *lock*, or None (not held, or held by an unknown owner)."""
    try:
        if not lock._locked:
            return None
        return lock.__dict__.get("_lens_owner")
    except Exception:  # noqa: BLE001
        return None


def install():
    if _saved:
        return
    from ._tracker import task_id
    orig_acquire = asyncio.Lock.acquire
    orig_release = asyncio.Lock.release

    async def acquire(self):
        r = await orig_acquire(self)
        try:
            t = _current_task()
            self.__dict__["_lens_owner"] = None if t is None else task_id(t)
        except Exception:  # noqa: BLE001
            pass
        return r

    def release(self):
        r = orig_release(self)
        try:
            self.__dict__.pop("_lens_owner", None)
        except Exception:  # noqa: BLE001
            pass
        return r

    for fn, orig in ((acquire, orig_acquire), (release, orig_release)):
        fn.__name__ = orig.__name__
        fn.__qualname__ = orig.__qualname__
        fn.__doc__ = orig.__doc__
        fn.__wrapped__ = orig
    _saved["acquire"] = orig_acquire
    _saved["release"] = orig_release
    asyncio.Lock.acquire = acquire
    asyncio.Lock.release = release


def uninstall():
    if not _saved:
        return
    asyncio.Lock.acquire = _saved.pop("acquire")
    asyncio.Lock.release = _saved.pop("release")
