"""Task tracking on uvloop's loop, which is not a ``BaseEventLoop``.

``uvloop.Loop`` is a Python subclass (with a ``__dict__``) of the Cython loop, so the
same three patches as for asyncio's loop work on it: ``__init__`` installs our task
factory, which carries the program's (``_tracker.user_factory_of``); ``set_task_factory``
and ``get_task_factory`` keep the program's factory the one it sees. uvloop is patched
when it is imported (a ``sys.meta_path`` finder wraps its loader), or at once if it is
already imported.

What uvloop does not give: step counts and busy time (its callbacks are not
``asyncio.events.Handle``), and ``asyncio.timeout`` deadlines are read from its
scheduled handles only where uvloop exposes them (it does not).
"""

import sys

from ._tracker import _NOT_OURS, user_factory_of

__all__ = ["install", "uninstall", "patched"]

_state = {"finder": None, "saved": None, "tracker": None}


def patched():
    return _state["saved"] is not None


def _patch(module):
    if _state["saved"] is not None:
        return
    cls = getattr(module, "Loop", None)
    tracker = _state["tracker"]
    if cls is None or tracker is None or "__init__" in cls.__dict__ and getattr(
            cls.__dict__["__init__"], "_asyncio_lens", False):
        return
    base = cls.__mro__[1]
    base_set = base.set_task_factory
    base_get = base.get_task_factory
    factory_for = tracker.factory_for
    loops = tracker._loops
    saved = {name: cls.__dict__.get(name) for name in ("__init__", "set_task_factory", "get_task_factory")}

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        try:
            base_set(self, factory_for(base_get(self), hooked_steps=False))
            loops.add(self)
        except Exception:  # noqa: BLE001
            pass

    def set_task_factory(self, factory_):
        if user_factory_of(base_get(self)) is _NOT_OURS:
            return base_set(self, factory_)
        base_set(self, factory_)  # validates like uvloop does
        base_set(self, factory_for(factory_, hooked_steps=False))

    def get_task_factory(self):
        factory = base_get(self)
        user = user_factory_of(factory)
        return factory if user is _NOT_OURS else user

    __init__._asyncio_lens = True
    for name, fn in (("__init__", __init__), ("set_task_factory", set_task_factory),
                     ("get_task_factory", get_task_factory)):
        fn.__qualname__ = "Loop." + name
        setattr(cls, name, fn)
    _state["saved"] = (cls, saved)


class _Finder:
    """Patches uvloop right after it is imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "uvloop":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                loader = spec.loader
                orig_exec = loader.exec_module

                def exec_module(module, _orig=orig_exec):
                    _orig(module)
                    try:
                        _patch(module)
                    except Exception:  # noqa: BLE001
                        pass

                try:
                    loader.exec_module = exec_module
                except (AttributeError, TypeError):
                    return None
                return spec
            if spec is not None:
                return None
        return None


def install(tracker):
    _state["tracker"] = tracker
    mod = sys.modules.get("uvloop")
    if mod is not None:
        _patch(mod)
        return
    if _state["finder"] is None:
        _state["finder"] = _Finder()
        sys.meta_path.insert(0, _state["finder"])


def uninstall():
    finder = _state["finder"]
    if finder is not None:
        try:
            sys.meta_path.remove(finder)
        except ValueError:
            pass
        _state["finder"] = None
    saved = _state["saved"]
    if saved is not None:
        cls, attrs = saved
        for name, fn in attrs.items():
            if fn is None:
                try:
                    delattr(cls, name)
                except AttributeError:
                    pass
            else:
                setattr(cls, name, fn)
        _state["saved"] = None
