"""What the debugger needs to know about code objects and source files.

* Whose code is it: the runtime's own (never shown, never stopped in), a library's (the
  standard library, asyncio, site-packages, frozen modules: skipped when ``justMyCode``),
  or the user's. Answers are cached by filename (a str caches its hash; a code object
  hashes all its fields on every lookup).
* The executable lines of a source file, from the line tables of all its code objects.
* Whether a settrace ``return`` event is a ``yield``/``await`` suspension (3.10/3.11).
"""

import dis
import io
import os
import sys
import sysconfig

__all__ = [
    "RUNTIME_DIR",
    "ASYNCIO_DIR",
    "is_runtime_file",
    "is_library_file",
    "is_user_file",
    "canonical_path",
    "code_lines",
    "walk_codes",
    "executable_lines",
    "frame_name",
    "is_yield_return",
    "is_value_return",
]

RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
import asyncio as _asyncio  # noqa: E402

ASYNCIO_DIR = os.path.dirname(os.path.abspath(_asyncio.__file__)) + os.sep


def _library_prefixes():
    out = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = paths.get(key)
        if p:
            out.add(os.path.abspath(p) + os.sep)
            out.add(os.path.realpath(p) + os.sep)
    out.add(os.path.dirname(os.path.abspath(os.__file__)) + os.sep)
    out.add(os.path.dirname(os.path.realpath(os.__file__)) + os.sep)
    for p in sys.path:
        if p and ("site-packages" in p or "dist-packages" in p):
            out.add(os.path.abspath(p) + os.sep)
    return tuple(sorted(out))


_LIB_PREFIXES = _library_prefixes()
_kind_cache = {}  # filename -> 0 user, 1 library, 2 runtime


def _kind(filename):
    k = _kind_cache.get(filename)
    if k is not None:
        return k
    if not isinstance(filename, str):
        k = 1
    elif filename.startswith(RUNTIME_DIR):
        k = 2
    elif filename.startswith("<") or filename.startswith(_LIB_PREFIXES):
        k = 1
    else:
        k = 0
        try:
            real = os.path.realpath(filename)
            if real.startswith(RUNTIME_DIR):
                k = 2
            elif real.startswith(_LIB_PREFIXES):
                k = 1
        except (OSError, ValueError):
            pass
    if len(_kind_cache) > 20000:
        _kind_cache.clear()
    _kind_cache[filename] = k
    return k


def is_runtime_file(filename):
    return _kind(filename) == 2


def is_library_file(filename):
    """The standard library, asyncio, site-packages, frozen or generated code."""
    return _kind(filename) == 1


def is_user_file(filename, just_my_code=True):
    """Code the debugger may stop in: the user's, or anything but the runtime when not justMyCode."""
    k = _kind(filename)
    return k == 0 or (k == 1 and not just_my_code)


_canon_cache = {}


def canonical_path(filename):
    """A comparable form of a path (absolute, symlinks resolved, case folded where the OS does)."""
    c = _canon_cache.get(filename)
    if c is None:
        try:
            c = os.path.normcase(os.path.realpath(filename))
        except (OSError, ValueError, TypeError):
            c = filename
        if len(_canon_cache) > 20000:
            _canon_cache.clear()
        _canon_cache[filename] = c
    return c


def code_lines(code):
    """Set of line numbers that *code* (not its nested code objects) has instructions on."""
    lines = set()
    try:
        for _start, _end, line in code.co_lines():
            if line is not None and line > 0:
                lines.add(line)
    except Exception:  # noqa: BLE001
        pass
    return lines


def walk_codes(code):
    """*code* and every code object nested in its constants."""
    stack = [code]
    while stack:
        c = stack.pop()
        yield c
        for const in c.co_consts:
            if isinstance(const, type(code)):
                stack.append(const)


def executable_lines(path):
    """Sorted executable lines of the Python source file *path*.

    Raises OSError if it cannot be read, SyntaxError/ValueError if it is not Python.
    """
    with io.open_code(path) as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    lines = set()
    for c in walk_codes(code):
        lines |= code_lines(c)
    return sorted(lines)


def frame_name(frame, owner=None):
    """Qualified name of the function running in *frame* (owner: its coroutine, if known)."""
    code = frame.f_code
    name = getattr(code, "co_qualname", None)
    if name is None and owner is not None:
        try:
            name = owner.__qualname__
        except Exception:  # noqa: BLE001
            name = None
    if not isinstance(name, str):
        name = code.co_name
    return name


# -- settrace 'return' events (3.10/3.11): suspension or a real return? -------------------
_YIELD_VALUE = dis.opmap.get("YIELD_VALUE")
_YIELD_FROM = dis.opmap.get("YIELD_FROM")  # 3.10
_RETURN_OPS = {dis.opmap[n] for n in ("RETURN_VALUE", "RETURN_CONST") if n in dis.opmap}


def _opcode_at(frame, offset):
    code = frame.f_code.co_code
    if 0 <= offset < len(code):
        return code[offset]
    return None


def is_yield_return(frame):
    """True if a settrace ``return`` event of *frame* is a suspension (yield, await)."""
    lasti = frame.f_lasti
    op = _opcode_at(frame, lasti)
    if op == _YIELD_VALUE:
        return True
    # 3.10: YIELD_FROM rewinds f_lasti to the instruction before it while suspended.
    return _YIELD_FROM is not None and _opcode_at(frame, lasti + 2) == _YIELD_FROM


def is_value_return(frame):
    """True if a settrace ``return`` event of *frame* returns a value (not an exception)."""
    return _opcode_at(frame, frame.f_lasti) in _RETURN_OPS
