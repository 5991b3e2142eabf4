"""Scopes, variables, evaluate and setVariable for a stopped program.

Everything here runs on the thread that owns the frame (the engine posts the work to
it), under a time limit (see ``_deadline``). Values are shown with :func:`safe_repr`: a
``__repr__`` that raises shows ``<repr raised ValueError: ...>``, a huge one is cut at
about 1000 characters, a container's repr is bounded by ``reprlib``.

Writing locals: on 3.13 ``frame.f_locals`` is a write-through proxy (PEP 667). On
3.10-3.12 it is a snapshot dict; after changing it, ``PyFrame_LocalsToFast`` (through
ctypes) copies it back into the frame.

``await`` in an evaluation compiles with ``PyCF_ALLOW_TOP_LEVEL_AWAIT``; the coroutine is
driven without the event loop (which is paused with the program). If it finishes without
suspending, its value is the result; if it needs the loop (a sleep, I/O, another task),
it is closed and the answer says so.
"""

import ast
import collections
import itertools
import reprlib
import sys
import threading

from ._deadline import EvalTimeout, limit

__all__ = ["Handles", "safe_repr", "type_name", "Variables", "EvaluateError", "REPR_LIMIT"]

REPR_LIMIT = 1000
_PAGE_DEFAULT = 1000
_PY313 = sys.version_info >= (3, 13)
_CO_COROUTINE = 0x0080
_ALLOW_AWAIT = getattr(ast, "PyCF_ALLOW_TOP_LEVEL_AWAIT", 0x2000)


class EvaluateError(Exception):
    """An evaluation failed; the message is for the user."""


class Handles:
    """Positive integer ids for frames and variable containers, valid until the program resumes."""

    def __init__(self):
        self._items = {}
        self._ids = itertools.count(1)

    def add(self, item):
        """Id of *item*; the calling thread owns it (requests on it run there)."""
        i = next(self._ids)
        self._items[i] = (item, threading.get_ident())
        return i

    def get(self, i):
        hit = self._items.get(i)
        return hit[0] if hit is not None else None

    def owner(self, i):
        hit = self._items.get(i)
        return hit[1] if hit is not None else None

    def clear(self):
        self._items = {}


_repr = reprlib.Repr()
_repr.maxlevel = 3
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdeque = 100
_repr.maxarray = 100
_repr.maxdict = 50
_repr.maxstring = REPR_LIMIT
_repr.maxlong = REPR_LIMIT
_repr.maxother = REPR_LIMIT
_BOUNDED = (list, tuple, dict, set, frozenset, collections.deque)


def _describe(exc):
    try:
        return "%s: %s" % (type(exc).__name__, exc)
    except BaseException:  # noqa: BLE001
        return type(exc).__name__


def safe_repr(value, limit_chars=REPR_LIMIT):
    try:
        if type(value) in _BOUNDED and len(value) > 20:
            text = _repr.repr(value)
        else:
            text = repr(value)
        if not isinstance(text, str):
            text = "<repr returned %s>" % type(text).__name__
    except EvalTimeout:
        raise
    except BaseException as exc:  # noqa: BLE001 - a user's __repr__ may raise anything
        text = "<repr raised %s>" % _describe(exc)
    if len(text) > limit_chars:
        text = text[:limit_chars] + "\u2026"
    return text


def type_name(value):
    try:
        t = type(value)
        mod = t.__module__
        return t.__qualname__ if mod in ("builtins", None) else "%s.%s" % (mod, t.__qualname__)
    except Exception:  # noqa: BLE001
        return "object"


class _Scope:
    __slots__ = ("frame", "kind")

    def __init__(self, frame, kind):
        self.frame = frame
        self.kind = kind  # 'locals' | 'globals'


class _Value:
    __slots__ = ("value", "frame", "expr", "names")

    def __init__(self, value, frame, expr):
        self.value = value
        self.frame = frame
        self.expr = expr
        self.names = {}  # child name shown -> key (dict keys)


def _children_count(value):
    """(named, indexed) child counts, or None if *value* is shown without children."""
    if isinstance(value, (str, bytes, bytearray, int, float, complex, bool, type(None), range)):
        return None
    if isinstance(value, (dict, list, tuple, set, frozenset, collections.deque)):
        try:
            n = len(value)
        except Exception:  # noqa: BLE001
            return None
        return (0, n) if n else None
    try:
        d = object.__getattribute__(value, "__dict__")
        if isinstance(d, dict) and d:
            return (len(d), 0)
    except Exception:  # noqa: BLE001
        pass
    if _slot_names(type(value)):
        return (len(_slot_names(type(value))), 0)
    return None


def _slot_names(cls):
    names = []
    try:
        for klass in cls.__mro__:
            slots = klass.__dict__.get("__slots__", ())
            if isinstance(slots, str):
                slots = (slots,)
            for s in slots:
                if s not in ("__dict__", "__weakref__") and s not in names:
                    names.append(s)
    except Exception:  # noqa: BLE001
        pass
    return names


_HIDDEN_GLOBALS = {"__builtins__"}


class Variables:
    """Variables views built on a :class:`Handles` table (shared with frame ids)."""

    def __init__(self, handles):
        self.handles = handles

    # -- scopes and children -------------------------------------------------------------
    def scopes(self, frame):
        return [
            {"name": "Locals", "ref": self.handles.add(_Scope(frame, "locals")), "expensive": False},
            {"name": "Globals", "ref": self.handles.add(_Scope(frame, "globals")), "expensive": False},
        ]

    def info(self, name, value, frame, expr):
        counts = _children_count(value)
        v = {"name": name, "value": safe_repr(value), "type": type_name(value), "ref": 0}
        if counts is not None:
            v["ref"] = self.handles.add(_Value(value, frame, expr))
            if counts[0]:
                v["named"] = counts[0]
            if counts[1]:
                v["indexed"] = counts[1]
        if expr:
            v["evaluateName"] = expr
        return v

    def variables(self, ref, start=None, count=None):
        item = self.handles.get(ref)
        if item is None:
            raise EvaluateError("Unknown variables reference %s (the program has resumed since)." % ref)
        start = start if isinstance(start, int) and start > 0 else 0
        count = count if isinstance(count, int) and count > 0 else _PAGE_DEFAULT
        if isinstance(item, _Scope):
            mapping = item.frame.f_locals if item.kind == "locals" else item.frame.f_globals
            names = [n for n in list(mapping.keys()) if n not in _HIDDEN_GLOBALS]
            if item.kind == "globals":
                names.sort(key=lambda n: (n.startswith("__"), n))
            out = []
            for n in names[start:start + count]:
                try:
                    value = mapping[n]
                except Exception:  # noqa: BLE001 - an unbound cell
                    continue
                out.append(self.info(str(n), value, item.frame, n if isinstance(n, str) and n.isidentifier() else None))
            return out
        if isinstance(item, _Value):
            return self._children(item, start, count)
        return []

    def _children(self, item, start, count):
        value, frame, expr = item.value, item.frame, item.expr
        out = []
        if isinstance(value, dict):
            keys = list(value.keys())[start:start + count]
            for k in keys:
                shown = safe_repr(k, 200)
                item.names[shown] = k
                child_expr = "%s[%s]" % (expr, shown) if expr and _literal_key(k) else None
                try:
                    out.append(self.info(shown, value[k], frame, child_expr))
                except Exception as exc:  # noqa: BLE001
                    out.append({"name": shown, "value": "<%s>" % _describe(exc), "type": "", "ref": 0})
            return out
        if isinstance(value, (list, tuple, collections.deque)):
            if isinstance(value, collections.deque):
                items = list(itertools.islice(value, start, start + count))
            else:
                items = value[start:start + count]
            for i, v in enumerate(items, start):
                out.append(self.info(str(i), v, frame, "%s[%d]" % (expr, i) if expr else None))
            return out
        if isinstance(value, (set, frozenset)):
            try:
                items = sorted(value, key=safe_repr)
            except Exception:  # noqa: BLE001
                items = list(value)
            for i, v in enumerate(items[start:start + count], start):
                out.append(self.info(str(i), v, frame, None))
            return out
        names = []
        try:
            d = object.__getattribute__(value, "__dict__")
            if isinstance(d, dict):
                names.extend(str(n) for n in d.keys())
        except Exception:  # noqa: BLE001
            pass
        for s in _slot_names(type(value)):
            if s not in names:
                names.append(s)
        names.sort(key=lambda n: (n.startswith("_"), n))
        for n in names[start:start + count]:
            try:
                v = getattr(value, n)
            except EvalTimeout:
                raise
            except BaseException as exc:  # noqa: BLE001 - a property may raise
                out.append({"name": n, "value": "<%s>" % _describe(exc), "type": "", "ref": 0})
                continue
            child_expr = "%s.%s" % (expr, n) if expr and n.isidentifier() else None
            out.append(self.info(n, v, frame, child_expr))
        return out

    # -- evaluate ----------------------------------------------------------------------
    def evaluate(self, expression, frame, context, timeout_s):
        """{result, type, ref} of *expression* (or a statement, in the repl) in *frame*."""
        if frame is None:
            main = sys.modules.get("__main__")
            g = getattr(main, "__dict__", None) or {}
            loc = g
        else:
            g = frame.f_globals
            loc = frame.f_locals
        expression = expression.strip("\n")
        is_statement = False
        try:
            code = compile(expression, "<debug console>", "eval", _ALLOW_AWAIT, dont_inherit=True)
        except SyntaxError as exc:
            if context == "hover":
                raise EvaluateError("SyntaxError: %s" % exc.msg) from None
            try:
                code = compile(expression, "<debug console>", "exec", _ALLOW_AWAIT, dont_inherit=True)
                is_statement = True
            except SyntaxError as exc2:
                raise EvaluateError("SyntaxError: %s (line %s)" % (exc2.msg, exc2.lineno)) from None
        try:
            with limit(timeout_s):
                value = eval(code, g, loc)
                if code.co_flags & _CO_COROUTINE:
                    value = _drive(value)
        except EvalTimeout:
            raise EvaluateError("Evaluation timed out after %g s and was interrupted." % timeout_s) from None
        except _NeedsLoop as exc:
            raise EvaluateError(str(exc)) from None
        except BaseException as exc:  # noqa: BLE001 - the user's code raised
            raise EvaluateError(_describe(exc)) from None
        if is_statement and frame is not None:
            _write_back(frame, loc)
        if is_statement and value is None:
            return {"result": "", "type": "", "ref": 0}
        v = self.info(expression, value, frame, expression if not is_statement else None)
        return {"result": v["value"], "type": v["type"], "ref": v["ref"]}

    def set_variable(self, ref, name, value_text, timeout_s):
        item = self.handles.get(ref)
        if item is None:
            raise EvaluateError("Unknown variables reference %s (the program has resumed since)." % ref)
        frame = item.frame
        g = frame.f_globals if frame is not None else {}
        loc = frame.f_locals if frame is not None else g
        try:
            code = compile(value_text, "<set value>", "eval", dont_inherit=True)
        except SyntaxError as exc:
            raise EvaluateError("Invalid value %r: SyntaxError: %s" % (value_text, exc.msg)) from None
        try:
            with limit(timeout_s):
                new = eval(code, g, loc)
        except EvalTimeout:
            raise EvaluateError("Evaluating %r timed out." % value_text) from None
        except BaseException as exc:  # noqa: BLE001
            raise EvaluateError("Invalid value %r: %s" % (value_text, _describe(exc))) from None
        expr = None
        if isinstance(item, _Scope):
            if item.kind == "locals":
                loc[name] = new
                _write_back(frame, loc)
            else:
                frame.f_globals[name] = new
            expr = name
        else:
            target = item.value
            try:
                if isinstance(target, dict):
                    key = item.names[name] if name in item.names else ast.literal_eval(name)
                    target[key] = new
                elif isinstance(target, (list, collections.deque)):
                    target[int(name)] = new
                elif isinstance(target, (tuple, set, frozenset)):
                    raise EvaluateError("A %s cannot be changed in place." % type(target).__name__)
                else:
                    setattr(target, name, new)
            except EvaluateError:
                raise
            except BaseException as exc:  # noqa: BLE001
                raise EvaluateError("Cannot set %s: %s" % (name, _describe(exc))) from None
        return self.info(name, new, frame, expr)


def _literal_key(k):
    return isinstance(k, (str, int, bytes, type(None)))


class _NeedsLoop(Exception):
    pass


def _drive(coro):
    """Run a top-level-await coroutine without the event loop, if it never suspends."""
    try:
        suspended_on = coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise _NeedsLoop(
        "`await` works in the debug console only for awaitables that finish without the event "
        "loop (it is paused with the program); this one waits on %s. Set a breakpoint after the "
        "await and continue instead." % type_name(suspended_on))


_locals_to_fast = None


def _write_back(frame, loc):
    """Copy a changed f_locals snapshot back into the frame (3.10-3.12)."""
    global _locals_to_fast
    if _PY313 or not isinstance(loc, dict) or loc is frame.f_globals:
        return
    if _locals_to_fast is None:
        try:
            import ctypes

            fn = ctypes.pythonapi.PyFrame_LocalsToFast
            fn.argtypes = [ctypes.py_object, ctypes.c_int]
            fn.restype = None
            _locals_to_fast = fn
        except Exception:  # noqa: BLE001
            _locals_to_fast = False
    if _locals_to_fast:
        _locals_to_fast(frame, 0)

