"""Breakpoints by code instrumentation (CPython 3.10/3.11).

A trace function makes CPython 3.10/3.11 run every instruction of the traced thread on
its slow path (3-5x) whatever the tracer does. So while only breakpoints are set, the
main thread is not traced: each code object holding a breakpoint line is replaced by a
copy compiled from the same source with one more statement on the breakpoint's line,
before that line's statement: a call of the runtime's hook. The hook is a constant of
the copy (put in ``co_consts`` in place of a placeholder string), so no name is added to
the program's globals or builtins; it reports a line event for its caller's frame. Line
numbers, tracebacks and ``inspect`` show the user's code.

* Functions already made get the copy (``func.__code__``, found by a scan of the gc's
  objects); the copy of an enclosing code object carries the copies of its nested ones,
  so closures and methods made later are instrumented too. Copies and originals are
  matched by their path in the file's tree of code objects, and an original must equal
  (``==``) the code compiled from the file now, else the file changed and keeps settrace.
* Modules imported later (``SourceFileLoader.get_code``) and the main script (the
  launcher) are instrumented once compiled or loaded; ``__pycache__`` gets the original.
* What has no hook for its breakpoints stays with ``sys.settrace``
  (:meth:`Instrumenter.covered`): a line that is not the start of a simple statement, an
  ``if``, a ``try`` or an undecorated ``def``/``class`` (a loop header runs on every turn,
  a ``with`` line again at the exit), frames and generators already running old code
  (:attr:`Instrumenter.holders`, until they finish), functions that could not be swapped.
* Removing a breakpoint, and closing, put the original code objects back.
"""

import ast
import dis
import gc
import importlib.machinery
import importlib.util
import io
import sys
import threading
import types
import weakref

from ._codeinfo import code_lines, is_runtime_file, walk_codes

__all__ = ["Instrumenter"]

_log_name = __name__
_PLACEHOLDER = "__asyncio_lens_breakpoint_hook__"
_CODE = types.CodeType
_HOOKABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Assert, ast.Delete,
             ast.Pass, ast.Break, ast.Continue, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.If,
             ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) + (
                 (ast.TryStar,) if hasattr(ast, "TryStar") else ())
_GEN_TYPES = {types.GeneratorType: "gi_frame", types.CoroutineType: "cr_frame", types.AsyncGeneratorType: "ag_frame"}


def _paths(root):
    """``{path: code}`` for *root* and its nested code objects. A path names each step by
    ``(co_name, co_firstlineno, ordinal among siblings of that name and line)``."""
    out = {}
    stack = [((), root)]
    while stack:
        path, code = stack.pop()
        out[path] = code
        seen = {}
        for k in code.co_consts:
            if type(k) is _CODE:
                key = (k.co_name, k.co_firstlineno)
                n = seen.get(key, 0)
                seen[key] = n + 1
                stack.append((path + (key + (n,),), k))
    return out


def _hook_targets(tree, lines):
    """``{id(stmt): stmt}``: the statement before which each line of *lines* gets its hook.

    A line qualifies when a hookable statement starts there, every statement starting
    there is hookable, and no expression outside that statement reaches the line (the
    tail of a statement begun above, an ``if`` test spanning lines)."""
    docstrings = set()
    first = {}  # line -> outermost, first statement starting there (ast.walk is breadth-first)
    bad = set()
    spans = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and body and \
                isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
                isinstance(body[0].value.value, str):
            docstrings.add(id(body[0]))
        if isinstance(node, ast.stmt):
            line = node.lineno
            if line not in lines:
                continue
            first.setdefault(line, node)
            if not isinstance(node, _HOOKABLE) or getattr(node, "decorator_list", None) or id(node) in docstrings \
                    or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
                bad.add(line)
        elif isinstance(node, ast.expr):
            lo, hi = node.lineno, node.end_lineno or node.lineno
            for line in lines:
                if lo <= line <= hi:
                    spans.append((line, node))
    inside = {}
    for line, stmt in first.items():
        inside[line] = {id(n) for n in ast.walk(stmt)}
    for line, node in spans:
        if line in inside and id(node) not in inside[line]:
            bad.add(line)
    return {id(stmt): stmt for line, stmt in first.items() if line not in bad and id(stmt) not in docstrings}


def _hook_stmt(target):
    const = ast.Constant(_PLACEHOLDER)
    # ``<constant>.__call__()``: calling a constant directly draws a SyntaxWarning.
    call = ast.Call(ast.Attribute(const, "__call__", ast.Load()), [], [])
    stmt = ast.Expr(call)
    for n in ast.walk(stmt):
        n.lineno = n.end_lineno = target.lineno
        n.col_offset = n.end_col_offset = target.col_offset
    return stmt


def _instrumented_root(source, filename, lines, hook):
    """The module code of *source* with a hook call before each hookable line of *lines*."""
    tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    targets = _hook_targets(tree, lines)
    if not targets:
        return None
    for node in list(ast.walk(tree)):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and any(id(s) in targets for s in stmts):
                out = []
                for s in stmts:
                    if id(s) in targets:
                        out.append(_hook_stmt(s))
                    out.append(s)
                setattr(node, field, out)
    return _put_hook(compile(tree, filename, "exec", dont_inherit=True), hook)


def _put_hook(code, hook):
    consts = tuple(_put_hook(k, hook) if type(k) is _CODE else
                   (hook if type(k) is str and k == _PLACEHOLDER else k) for k in code.co_consts)
    changed = any(a is not b for a, b in zip(consts, code.co_consts))
    return code.replace(co_consts=consts) if changed else code


def _hook_lines(code, hook):
    if not any(k is hook for k in code.co_consts):
        return frozenset()
    out = set()
    line = None
    for ins in dis.get_instructions(code):
        line = ins.starts_line or line
        if ins.opname == "LOAD_CONST" and ins.argval is hook and line:
            out.add(line)
    return frozenset(out)


def _swappable(orig, copy):
    return (orig.co_name == copy.co_name and orig.co_freevars == copy.co_freevars
            and orig.co_cellvars == copy.co_cellvars and orig.co_varnames == copy.co_varnames
            and orig.co_argcount == copy.co_argcount and orig.co_kwonlyargcount == copy.co_kwonlyargcount
            and orig.co_posonlyargcount == copy.co_posonlyargcount and orig.co_flags == copy.co_flags)


def _read_source(filename):
    with io.open_code(filename) as f:
        return importlib.util.decode_source(f.read())


class _File:
    """One source file (by ``co_filename``): its original code objects and the copies
    made for its current breakpoint lines."""

    __slots__ = ("filename", "originals", "by_key", "lines", "copies")

    def __init__(self, filename, root):
        self.filename = filename
        self.originals = _paths(root)
        self.by_key = {}
        for path, code in self.originals.items():
            self.by_key.setdefault((code.co_name, code.co_firstlineno), []).append(path)
        self.lines = None
        self.copies = {}

    def path_of(self, code):
        for path in self.by_key.get((code.co_name, code.co_firstlineno), ()):
            orig = self.originals[path]
            if orig is code:
                return path
            if orig == code:
                self.originals[path] = code  # the live one: restored later, by identity
                return path
        return None


class Instrumenter:
    def __init__(self, bps, on_hook, on_change):
        self._bps = bps
        self._on_change = on_change  # () -> None: tracing needs may have changed (no lock held)
        self._lock = threading.RLock()
        self._files = {}  # co_filename -> _File
        self._copies = {}  # id(copy) -> (copy, _File, path, hook lines); copies stay alive
        self._version = None
        self._unswapped = False  # a live function of a breakpoint's file has no hooks for it
        self.holders = {}  # id(frame) -> (frame, weakref or None): running old code
        self.closed = False
        self._saved_get_code = None
        tls = threading.local()

        def hook():
            # Called by the copies' code, in the user's thread; never raises into it.
            if tls.__dict__.get("inside") or self.closed:
                return  # a condition or log message evaluated by this hook calls code with hooks
            tls.inside = True
            try:
                on_hook(sys._getframe(1))
            except KeyboardInterrupt:
                raise
            except BaseException:  # noqa: BLE001
                pass
            finally:
                tls.inside = False

        self.hook = hook

    # -- queries (hot: the settrace backend's decisions) ---------------------------------
    def hook_lines(self, code):
        info = self._copies.get(id(code))
        return info[3] if info is not None and info[0] is code else None

    def _original(self, code):
        info = self._copies.get(id(code))
        return info[1].originals[info[2]] if info is not None and info[0] is code else code

    def covered(self, code):
        """Every breakpoint line of *code* (not its nested code) has its hook in it."""
        table = self._bps.lines_for(code.co_filename)
        if not table:
            return True
        hooks = self.hook_lines(code) or ()
        lines = code_lines(code)
        return all(line in hooks for line in table if line in lines)

    def _covered_tree(self, code):
        stack = [code]
        while stack:
            c = stack.pop()
            if not self.covered(c):
                return False
            stack.extend(k for k in c.co_consts if type(k) is _CODE)
        return True

    def tracing_needed(self):
        """Something with breakpoints runs, or may run, without hooks for them."""
        return self._unswapped or bool(self.holders)

    # -- setup ------------------------------------------------------------------------------
    def install(self):
        loader = importlib.machinery.SourceFileLoader
        orig = loader.get_code
        instrumenter = self

        def get_code(self, fullname):
            code = orig(self, fullname)
            return instrumenter.module_code(code) if code is not None else code

        get_code.__wrapped__ = orig
        loader.get_code = get_code
        self._saved_get_code = orig

    def close(self):
        with self._lock:
            self.closed = True
            if self._saved_get_code is not None:
                importlib.machinery.SourceFileLoader.get_code = self._saved_get_code
                self._saved_get_code = None
            for obj in gc.get_objects():
                if type(obj) is types.FunctionType:
                    orig = self._original(obj.__code__)
                    if orig is not obj.__code__:
                        try:
                            obj.__code__ = orig
                        except Exception:  # noqa: BLE001
                            pass
            self.holders = {}
            self._unswapped = False

    # -- module code (import, launcher) ---------------------------------------------------
    def module_code(self, code):
        """*code*, a module's code just compiled or loaded, or its instrumented copy."""
        try:
            if self.closed or not self._bps.lines_for(code.co_filename):
                return code
            with self._lock:
                f = _File(code.co_filename, code)
                self._files[code.co_filename] = f
                new = self._copy_for(f, ())
                hooked = self._covered_tree(new)
                if not hooked:
                    self._unswapped = True
        except Exception:  # noqa: BLE001
            return code
        if not hooked:
            self._on_change()
        return new

    def _copy_for(self, f, path):
        """The code to run for the original at *path* of *f* under its current breakpoints."""
        table = self._bps.lines_for(f.filename)
        lines = frozenset(table) if table else frozenset()
        if lines != f.lines:
            f.lines = lines
            f.copies = self._build(f, lines) if lines else {}
        return f.copies.get(path) or f.originals[path]

    def _build(self, f, lines):
        try:
            source = _read_source(f.filename)
            if compile(source, f.filename, "exec", dont_inherit=True) != f.originals[()]:
                return {}  # the file changed since its code was compiled
            root = _instrumented_root(source, f.filename, lines, self.hook)
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError, KeyError):
            return {}
        if root is None:
            return {}
        out = {}
        for path, copy in _paths(root).items():
            orig = f.originals.get(path)
            if orig is not None and copy is not orig and _swappable(orig, copy):
                out[path] = copy
                self._copies[id(copy)] = (copy, f, path, _hook_lines(copy, self.hook))
        return out

    def _file_for(self, filename):
        f = self._files.get(filename)
        if f is None:
            try:
                root = compile(_read_source(filename), filename, "exec", dont_inherit=True)
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                return None
            f = self._files[filename] = _File(filename, root)
        return f

    # -- breakpoints changed ----------------------------------------------------------------
    def sync(self):
        """Give every live function of the breakpoints' files (and of files instrumented
        before) the code its breakpoints need, and find what still runs old code."""
        with self._lock:
            if self.closed or self._bps.version == self._version:
                return
            self._version = self._bps.version
            relevant = {}
            funcs = []
            for obj in gc.get_objects():
                if type(obj) is types.FunctionType:
                    fn = obj.__code__.co_filename
                    r = relevant.get(fn)
                    if r is None:
                        r = relevant[fn] = self._bps.lines_for(fn) is not None or fn in self._files
                    if r:
                        funcs.append(obj)
            old = {}  # every code object of these files that a frame may run
            for func in funcs:
                for c in walk_codes(func.__code__):
                    old[id(c)] = c
            for info in self._copies.values():
                old[id(info[0])] = info[0]
            for f in self._files.values():
                for c in f.originals.values():
                    old[id(c)] = c
            unswapped = False
            for func in funcs:
                if not self._swap(func):
                    unswapped = True
            self._unswapped = unswapped
            # Only now, with every function swapped, look for generators and coroutines of
            # old code: one made meanwhile by another thread is seen.
            old_codes = [c for c in old.values() if relevant.get(c.co_filename, True) and not self.covered(c)]
            del old, funcs
            holders = {}
            for obj in gc.get_referrers(*old_codes) if old_codes else ():
                attr = _GEN_TYPES.get(type(obj))
                frame = getattr(obj, attr) if attr is not None else None
                if frame is not None and not self.covered(frame.f_code):
                    holders[id(frame)] = (frame, weakref.ref(obj, self._gen_gone(id(frame))))
            obj = frame = None
            for f in self._running_old_frames():
                holders[id(f)] = (f, None)
            self.holders = holders

    def _running_old_frames(self):
        out = []
        for top in sys._current_frames().values():
            f = top
            while f is not None:
                code = f.f_code
                if not is_runtime_file(code.co_filename) and self._bps.lines_for(code.co_filename) \
                        and not self.covered(code):
                    out.append(f)
                f = f.f_back
        top = f = None  # this frame is among them: no cycle keeps it (and its caller's locals) alive
        return out

    def _swap(self, func):
        """Put the right code into *func*; False if it runs without hooks for its breakpoints."""
        code = func.__code__
        orig = self._original(code)
        f = self._file_for(orig.co_filename)
        path = f.path_of(orig) if f is not None else None
        new = self._copy_for(f, path) if path is not None else code
        if new is not code:
            try:
                func.__code__ = new
            except (ValueError, TypeError):
                new = code
        return self._covered_tree(new)

    def _gen_gone(self, key):
        def gone(_ref):
            self.frame_done_id(key)
        return gone

    def frame_done(self, frame):
        """*frame* (running old code) returned for good."""
        self.frame_done_id(id(frame))

    def frame_done_id(self, key):
        if self.holders.pop(key, None) is not None and not self.holders:
            try:
                self._on_change()
            except Exception:  # noqa: BLE001
                pass
