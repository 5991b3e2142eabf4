"""Step-in targets of a line: the functions called on it, and the coroutines of the tasks
it creates (``asyncio.create_task(worker())`` offers ``worker`` as a new task).

The line's statement is found in the file's syntax tree; each call's callee, when it is a
plain name or attribute chain, is looked up in the frame (no calls are made) to find its
code object. Callees without Python code (builtins) or outside the user's code (when
``justMyCode``) are left out.
"""

import ast
import linecache
import os

from ._codeinfo import is_user_file

__all__ = ["step_in_targets"]

_TASK_MAKERS = {"create_task", "ensure_future", "run_coroutine_threadsafe"}
_trees = {}  # path -> (mtime, tree)


def _tree(path):
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = None
    hit = _trees.get(path)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    source = "".join(linecache.getlines(path))
    if not source:
        return None
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return None
    if len(_trees) > 64:
        _trees.clear()
    _trees[path] = (mtime, tree)
    return tree


def _statement_at(tree, line):
    """The innermost simple statement (or compound statement header) covering *line*."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno and (node.end_lineno or 0) <= (best.end_lineno or 0):
                best = node
    return best


def _is_lookup(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _resolve(node, frame):
    if not _is_lookup(node):
        return None
    try:
        obj = eval(compile(ast.Expression(node), "<step-in target>", "eval"), frame.f_globals, frame.f_locals)
    except Exception:  # noqa: BLE001
        return None
    obj = getattr(obj, "__func__", obj)
    return getattr(obj, "__code__", None)


def _calls_in(stmt):
    """Calls of the statement itself (not of nested function or class bodies), in source order."""
    out = []
    todo = [stmt]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(child, ast.stmt) and not isinstance(stmt, (ast.Expr, ast.Assign, ast.AugAssign,
                                                                    ast.AnnAssign, ast.Return)):
                continue  # the body of a compound statement is not this line
            if isinstance(child, ast.Call):
                out.append(child)
            todo.append(child)
    out.sort(key=lambda c: (c.lineno, c.col_offset))
    return out


def step_in_targets(frame, line, jmc):
    """``[(label, code, is_new_task)]`` for the statement at *line* in *frame*."""
    tree = _tree(frame.f_code.co_filename)
    if tree is None:
        return []
    stmt = _statement_at(tree, line)
    if stmt is None:
        return []
    out = []
    seen = set()
    inner_of_task = set()
    for call in _calls_in(stmt):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in _TASK_MAKERS and call.args and isinstance(call.args[0], ast.Call):
            inner = call.args[0]
            inner_of_task.add(id(inner))
            code = _resolve(inner.func, frame)
            if code is not None and is_user_file(code.co_filename, jmc) and (code, True) not in seen:
                seen.add((code, True))
                out.append(("%s() (new task)" % ast.unparse(inner.func), code, True))
    for call in _calls_in(stmt):
        if id(call) in inner_of_task:
            continue
        code = _resolve(call.func, frame)
        if code is not None and is_user_file(code.co_filename, jmc) and (code, False) not in seen:
            seen.add((code, False))
            out.append(("%s()" % ast.unparse(call.func), code, False))
    return out
