"""Line breakpoints: verification, conditions, hit conditions and log messages.

``BreakpointStore.set(file, specs)`` replaces a file's breakpoints, as DAP's
setBreakpoints does. Each requested line is moved to the nearest executable line at or
after it (from the line tables of the compiled file); a line past the last code, a
missing file or one that is not Python gives ``verified: false`` and a message.

At run time the backends look breakpoints up by the code object's ``co_filename``
(:meth:`BreakpointStore.lines_for`, cached per raw filename), and the engine calls
:func:`evaluate_hit` on the thread that reached the line.

A condition that raises or runs past its time limit counts as true: the thread stops and
the stopped event's text says what went wrong (debugpy does the same), so a mistyped
condition is noticed instead of silently never stopping.
"""

import itertools
import os
import re
import threading

from ._codeinfo import canonical_path, code_lines, executable_lines
from ._deadline import EvalTimeout, limit

__all__ = ["Breakpoint", "BreakpointStore", "parse_hit_condition", "parse_log_message", "evaluate_hit",
           "CONDITION_TIME_LIMIT"]

CONDITION_TIME_LIMIT = 1.0
_PY_EXTENSIONS = (".py", ".pyw")

_HIT_RE = re.compile(r"\s*(==|!=|>=|<=|>|<|%)?\s*(\d+)\s*(?:==\s*0\s*)?$")


def parse_hit_condition(text):
    """``(op, n)`` for ``3``, ``>= 3``, ``% 2 == 0``…; ValueError if not understood.

    A bare number means "exactly the Nth hit" (as debugpy); ``% N`` every Nth hit.
    """
    m = _HIT_RE.match(text)
    if not m:
        raise ValueError("hit condition %r: expected a number, optionally after ==, !=, >, >=, <, <= or %%" % text)
    op = m.group(1) or "=="
    n = int(m.group(2))
    if op == "%" and n == 0:
        raise ValueError("hit condition %r: %% 0 is never true" % text)
    if op != "%" and "==" in text[m.end(2):]:
        raise ValueError("hit condition %r: only %% N may be followed by == 0" % text)
    return op, n


def _hit_matches(op, n, hits):
    if op == "==":
        return hits == n
    if op == "!=":
        return hits != n
    if op == ">=":
        return hits >= n
    if op == "<=":
        return hits <= n
    if op == ">":
        return hits > n
    if op == "<":
        return hits < n
    return hits % n == 0


def parse_log_message(text):
    """List of str literals and ``(expression, code, conversion, spec)`` for each
    ``{expression!r:spec}`` (conversion and spec optional, as in f-strings); ``{{``/``}}`` escape.

    Raises SyntaxError for an expression that does not compile, ValueError for an
    unbalanced brace.
    """
    parts = []
    buf = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{":
            if i + 1 < n and text[i + 1] == "{":
                buf.append("{")
                i += 2
                continue
            depth = 1
            j = i + 1
            quote = None
            while j < n and depth:
                ch = text[j]
                if quote:
                    if ch == quote:
                        quote = None
                elif ch in "'\"":
                    quote = ch
                elif ch in "{[(":
                    depth += 1
                elif ch in "}])":
                    depth -= 1
                j += 1
            if depth:
                raise ValueError("log message: unclosed '{' at column %d" % (i + 1))
            field = text[i + 1:j - 1]
            if buf:
                parts.append("".join(buf))
                buf = []
            expr, conv, spec = _split_field(field)
            parts.append((expr, compile(expr.strip() or "''", "<log message>", "eval"), conv, spec))
            i = j
            continue
        if c == "}":
            if i + 1 < n and text[i + 1] == "}":
                i += 1
            buf.append("}")
            i += 1
            continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def _split_field(field):
    """``expr``, conversion (``r``/``s``/``a`` or None) and format spec of ``{expr!r:spec}``,
    as in f-strings: the ``!`` and ``:`` count only outside brackets and strings."""
    depth = 0
    quote = None
    n = len(field)
    for k, ch in enumerate(field):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == "!" and k + 1 < n and field[k + 1] != "=":
            rest = field[k + 1:]
            conv, _, spec = rest.partition(":")
            if conv not in ("r", "s", "a"):
                raise ValueError("log message: unknown conversion !%s" % conv)
            return field[:k], conv, spec or None
        elif depth == 0 and ch == ":" and not (k + 1 < n and field[k + 1] == "="):
            return field[:k], None, field[k + 1:]
    return field, None, None


def _render(value, conv, spec):
    if conv == "r":
        value = repr(value)
    elif conv == "a":
        value = ascii(value)
    elif conv == "s":
        value = str(value)
    if spec:
        return format(value, spec)
    return value if isinstance(value, str) else _safe_str(value)


class Breakpoint:
    __slots__ = ("id", "file", "line", "condition", "cond_code", "hit", "log", "hits", "verified", "message")

    def __init__(self, bp_id, file, line):
        self.id = bp_id
        self.file = file
        self.line = line
        self.condition = None
        self.cond_code = None
        self.hit = None
        self.log = None
        self.hits = 0
        self.verified = True
        self.message = None

    def result(self):
        r = {"id": self.id, "verified": self.verified, "line": self.line}
        if self.message:
            r["message"] = self.message
        return r


def _safe_str(value):
    try:
        s = str(value)
    except BaseException as exc:  # noqa: BLE001 - a user's __str__
        s = "<str() raised %s>" % type(exc).__name__
    return s if len(s) <= 1000 else s[:1000] + "\u2026"


def _describe(exc):
    try:
        return "%s: %s" % (type(exc).__name__, exc)
    except BaseException:  # noqa: BLE001
        return type(exc).__name__


def evaluate_hit(bp, frame):
    """What a thread reaching *bp* in *frame* does: ``(stop, text, log_output)``.

    *text* explains a condition that failed (the thread stops), *log_output* is the
    formatted log message (the thread does not stop).
    """
    if bp.cond_code is not None:
        try:
            with limit(CONDITION_TIME_LIMIT):
                ok = bool(eval(bp.cond_code, frame.f_globals, frame.f_locals))
        except EvalTimeout:
            return True, "Breakpoint condition `%s` did not finish within %g s" % (
                bp.condition, CONDITION_TIME_LIMIT), None
        except BaseException as exc:  # noqa: BLE001 - user code
            return True, "Breakpoint condition `%s` raised %s" % (bp.condition, _describe(exc)), None
        if not ok:
            return False, None, None
    bp.hits += 1
    if bp.hit is not None and not _hit_matches(bp.hit[0], bp.hit[1], bp.hits):
        return False, None, None
    if bp.log is not None:
        out = []
        for part in bp.log:
            if isinstance(part, str):
                out.append(part)
                continue
            try:
                with limit(CONDITION_TIME_LIMIT):
                    text = _render(eval(part[1], frame.f_globals, frame.f_locals), part[2], part[3])
                out.append(text if len(text) <= 1000 else text[:1000] + "\u2026")
            except EvalTimeout:
                out.append("<%s: timed out>" % part[0])
            except BaseException as exc:  # noqa: BLE001
                out.append("<%s: %s>" % (part[0], _describe(exc)))
        return False, None, "".join(out)
    return True, None, None


class BreakpointStore:
    """Every line breakpoint, by canonical file and line."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._by_file = {}  # canonical path -> {line: [Breakpoint]}
        self._raw = {}  # co_filename -> {line: [Breakpoint]} or None (no breakpoints)
        self._code_cache = {}  # id(code) -> (code, bool)
        self.version = 0

    def set(self, file, specs):
        """Replace *file*'s breakpoints with *specs* (DAP SourceBreakpoints); list of results."""
        key = canonical_path(file)
        lines = None
        problem = None
        if not os.path.isfile(file):
            problem = "The file %s does not exist." % file
        elif not file.lower().endswith(_PY_EXTENSIONS) and not _looks_like_python(file):
            problem = "%s is not a Python source file." % os.path.basename(file)
        else:
            try:
                lines = executable_lines(file)
            except SyntaxError as exc:
                problem = "%s does not compile: %s (line %s)." % (os.path.basename(file), exc.msg, exc.lineno)
            except (OSError, ValueError) as exc:
                problem = "Cannot read %s: %s." % (os.path.basename(file), exc)
        bps = []
        table = {}
        for spec in specs:
            requested = spec.get("line")
            bp = Breakpoint(next(self._ids), key, requested if isinstance(requested, int) else 0)
            bps.append(bp)
            if problem:
                bp.verified, bp.message = False, problem
                continue
            if not isinstance(requested, int) or requested < 1:
                bp.verified, bp.message = False, "Invalid line %r." % (requested,)
                continue
            line = next((ln for ln in lines if ln >= requested), None)
            if line is None:
                bp.verified = False
                bp.message = "No code at or after line %d (the file's code ends at line %d)." % (
                    requested, lines[-1] if lines else 0)
                continue
            bp.line = line
            try:
                _configure(bp, spec)
            except (SyntaxError, ValueError) as exc:
                bp.verified = False
                bp.message = str(exc) if not isinstance(exc, SyntaxError) else "Invalid expression: %s" % exc.msg
                continue
            table.setdefault(line, []).append(bp)
        with self._lock:
            if table:
                self._by_file[key] = table
            else:
                self._by_file.pop(key, None)
            self._raw = {}
            self._code_cache = {}
            self.version += 1
        return [bp.result() for bp in bps]

    def any(self):
        return bool(self._by_file)

    def existing(self, ids):
        """The ids among *ids* of breakpoints still set, in order."""
        live = {bp.id for table in list(self._by_file.values()) for bps in table.values() for bp in bps}
        return [i for i in ids if i in live]

    def lines_for(self, co_filename):
        """``{line: [Breakpoint]}`` for code of *co_filename*, or None. Fast path: one dict get."""
        try:
            return self._raw[co_filename]
        except KeyError:
            pass
        table = self._by_file.get(canonical_path(co_filename)) if self._by_file else None
        self._raw[co_filename] = table
        return table

    def code_has_breakpoints(self, code):
        table = self.lines_for(code.co_filename)
        if not table:
            return False
        hit = self._code_cache.get(id(code))
        if hit is not None and hit[0] is code:
            return hit[1]
        lines = code_lines(code)
        r = any(line in lines for line in table)
        if len(self._code_cache) > 10000:
            self._code_cache = {}
        self._code_cache[id(code)] = (code, r)
        return r

    def clear(self):
        with self._lock:
            self._by_file = {}
            self._raw = {}
            self._code_cache = {}
            self.version += 1


def _looks_like_python(path):
    """A file without a .py extension (a script with a shebang) counts if it names python."""
    if os.path.splitext(path)[1]:
        return False
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def _configure(bp, spec):
    cond = spec.get("condition")
    if isinstance(cond, str) and cond.strip():
        bp.condition = cond.strip()
        bp.cond_code = compile(bp.condition, "<breakpoint condition>", "eval")
    hit = spec.get("hitCondition")
    if isinstance(hit, str) and hit.strip():
        bp.hit = parse_hit_condition(hit)
    log = spec.get("logMessage")
    if isinstance(log, str) and log:
        bp.log = parse_log_message(log)
