"""Who a task is and where it was made: task ids, TaskGroup ids and creation sites.

* :func:`task_id`: a stable integer id for any task (the factories number theirs as
  they make them; other tasks get one when first asked).
* TaskGroup ids: a stable integer per ``TaskGroup`` (weakly keyed).
* Creation sites: the code object and ``f_lasti`` of the first frame outside asyncio and
  this package, kept as ``(code, lasti)`` and turned into ``{file, line}`` only when
  reported (:func:`site_of`, :func:`resolve_site`).

Nothing here holds a strong reference to a task or a TaskGroup.
"""

import asyncio
import itertools
import os
import sys
import threading
import weakref

__all__ = [
    "task_id",
    "is_internal_code",
    "resolve_site",
    "site_of",
]

_getframe = sys._getframe

_ASYNCIO_DIR = os.path.dirname(os.path.abspath(asyncio.__file__)) + os.sep
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

try:
    _TG_CREATE_CODE = asyncio.TaskGroup.create_task.__code__  # 3.11+
except AttributeError:  # 3.10
    _TG_CREATE_CODE = None

_ids = itertools.count(1)
_group_ids = itertools.count(1)
_id_lock = threading.Lock()

# filename -> True if it belongs to asyncio or to this package. Keyed by the filename,
# not the code object: a str caches its hash, a code object hashes all its fields.
_internal_files = {}


def _classify_file(filename):
    r = filename.startswith(_ASYNCIO_DIR) or filename.startswith(_RUNTIME_DIR)
    if len(_internal_files) > 4096:
        _internal_files.clear()
    _internal_files[filename] = r
    return r


def is_internal_code(code):
    """True if *code* belongs to asyncio or to this runtime."""
    fn = code.co_filename
    r = _internal_files.get(fn)
    if r is None:
        r = _classify_file(fn)
    return r


_lines_cache = {}


def resolve_site(site):
    """``{file, line}`` for a creation site ``(code, lasti)``, or None."""
    if site is None:
        return None
    code, lasti = site
    key = (id(code), lasti)
    hit = _lines_cache.get(key)
    if hit is not None and hit[0] is code:
        return hit[1]  # shared by every task made there: never mutated
    line = None
    try:
        for start, end, ln in code.co_lines():
            if start <= lasti < end:
                line = ln
                break
    except Exception:  # noqa: BLE001
        pass
    if line is None:
        line = code.co_firstlineno
    if len(_lines_cache) > 8192:
        _lines_cache.clear()
    site = {"file": code.co_filename, "line": line}
    _lines_cache[key] = (code, site)  # the code object is kept so its id stays unique
    return site


def site_of(task):
    """The creation site ``(code, lasti)`` of *task* (see :func:`resolve_site`), or None."""
    code = getattr(task, "_lens_site", None)
    if code is None:
        return None
    return code, getattr(task, "_lens_lasti", -1)


def _assign_id(task):
    """Id of *task*, assigned now if it has none (tasks made outside our factory)."""
    try:
        tid = task._lens_id
        if tid is not None:
            return tid
    except AttributeError:
        pass
    with _id_lock:
        tid = getattr(task, "_lens_id", None)
        if tid is None:
            tid = next(_ids)
            try:
                task._lens_id = tid
            except (AttributeError, TypeError):
                return None
    return tid


def task_id(task):
    """Stable integer id of any task (None if the object cannot carry one)."""
    return _assign_id(task)


_group_registry = weakref.WeakKeyDictionary()


def _group_id(tg):
    gid = _group_registry.get(tg)
    if gid is None:
        gid = next(_group_ids)
        try:
            _group_registry[tg] = gid
        except TypeError:
            pass
    return gid


def _group_of_frame(f):
    try:
        return _group_id(f.f_locals["self"])
    except Exception:  # noqa: BLE001
        return None


def _creation_info(depth):
    """(group id, (code, lasti)) from the frames above the caller's caller."""
    group = None
    f = _getframe(depth + 1)
    n = 0
    while f is not None and n < 64:
        code = f.f_code
        r = _internal_files.get(code.co_filename)
        if r is None:
            r = _classify_file(code.co_filename)
        if not r:
            return group, (code, f.f_lasti)
        if code is _TG_CREATE_CODE and group is None:
            group = _group_of_frame(f)
        f = f.f_back
        n += 1
    return group, None
