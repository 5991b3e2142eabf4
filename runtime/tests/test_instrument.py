"""Breakpoints by code instrumentation (3.10/3.11): which code gets a hook, function swaps,
imports, old frames left to settrace, restoring the originals. In process: the hook
records its caller instead of stopping."""

import asyncio
import importlib
import inspect
import marshal
import os
import sys
import traceback

import pytest

from asyncio_lens import _breakpoints, _instrument

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+ uses sys.monitoring")

MODULE = '''\
import asyncio


def plain(x):
    y = x + 1  # @plain
    return y


def looping(n):
    total = 0
    for i in range(n):  # @for_header
        total += i  # @loop_body
    return total


def make_adder(k):
    def add(x):
        return x + k  # @closure
    return add


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1  # @method
        return self.n


async def fetch(i):
    await asyncio.sleep(0)
    return i * 2  # @coro


def gen():
    yield 1
    yield 2  # @gen


def calls_back(cb):
    cb()
    return 1  # @after_callback


def fails():
    value = 1  # @fails
    raise ValueError(value)
'''


def line_of(marker):
    for n, text in enumerate(MODULE.splitlines(), 1):
        if text.endswith("# @" + marker):
            return n
    raise AssertionError(marker)


class Setup:
    def __init__(self, tmp_path, name):
        self.dir = tmp_path
        self.name = name
        self.file = str(tmp_path / (name + ".py"))
        with open(self.file, "w") as f:
            f.write(MODULE)
        self.bps = _breakpoints.BreakpointStore()
        self.hits = []
        self.changes = 0
        self.instr = _instrument.Instrumenter(self.bps, self._hook, self._changed)
        sys.path.insert(0, str(tmp_path))

    def _hook(self, frame):
        self.hits.append((frame.f_code.co_name, frame.f_lineno))

    def _changed(self):
        self.changes += 1

    def set(self, *markers):
        results = self.bps.set(self.file, [{"line": line_of(m)} for m in markers])
        assert all(r["verified"] for r in results), results
        self.instr.sync()

    def import_module(self):
        return importlib.import_module(self.name)

    def close(self):
        self.instr.close()
        sys.path.remove(str(self.dir))
        sys.modules.pop(self.name, None)


@pytest.fixture
def setup(tmp_path, request):
    s = Setup(tmp_path, "instr_" + request.node.name.replace("[", "_").replace("]", "").replace("-", "_"))
    yield s
    s.close()


def has_hook(func):
    return any(type(c).__name__ == "function" for c in func.__code__.co_consts)


def test_breakpoint_before_import_instruments_the_module_and_not_the_cache(setup, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    setup.instr.install()
    setup.set("plain", "method")
    mod = setup.import_module()
    assert has_hook(mod.plain) and has_hook(mod.Counter.bump) and not has_hook(mod.looping)
    assert mod.plain(1) == 2 and mod.Counter().bump() == 1
    assert setup.hits == [("plain", line_of("plain")), ("bump", line_of("method"))]
    assert not setup.instr.tracing_needed()
    cache = os.path.join(setup.dir, "__pycache__")
    pycs = [os.path.join(cache, n) for n in os.listdir(cache) if n.startswith(setup.name)]
    assert pycs
    for p in pycs:
        with open(p, "rb") as f:
            cached = marshal.loads(f.read()[16:])
        assert cached == compile(MODULE, setup.file, "exec", dont_inherit=True)
    setup.instr.close()
    assert importlib.machinery.SourceFileLoader.get_code is not None
    assert not hasattr(importlib.machinery.SourceFileLoader.get_code, "__wrapped__")


def test_breakpoint_after_import_swaps_functions_and_removal_restores_them(setup):
    mod = setup.import_module()
    originals = {f: f.__code__ for f in (mod.plain, mod.Counter.bump, mod.make_adder)}
    early = mod.make_adder(1)  # a closure made before the breakpoint
    early_code = early.__code__
    setup.set("plain", "method", "closure")
    assert all(f.__code__ is not code for f, code in originals.items())
    late = mod.make_adder(2)
    assert early(1) == 2 and late(1) == 3 and mod.plain(0) == 1 and mod.Counter().bump() == 1
    assert setup.hits == [("add", line_of("closure"))] * 2 + [("plain", line_of("plain")), ("bump", line_of("method"))]
    assert not setup.instr.tracing_needed()
    setup.set()
    assert all(f.__code__ is code for f, code in originals.items())
    assert early.__code__ is early_code
    assert not has_hook(late)
    setup.hits.clear()
    assert late(1) == 3 and mod.plain(0) == 1
    assert setup.hits == []


def test_condition_free_lines_only_get_hooks_on_statement_starts(setup):
    mod = setup.import_module()
    setup.set("for_header")
    # A loop header runs on every turn: no hook, settrace serves it.
    assert not has_hook(mod.looping) and setup.instr.tracing_needed()
    assert not setup.instr.covered(mod.looping.__code__)
    setup.set("loop_body")
    assert has_hook(mod.looping) and not setup.instr.tracing_needed()
    assert mod.looping(3) == 3
    assert setup.hits == [("looping", line_of("loop_body"))] * 3


def test_coroutine_and_generator_made_before_the_breakpoint_are_left_to_settrace(setup):
    mod = setup.import_module()
    coro = mod.fetch(2)
    g = mod.gen()
    assert next(g) == 1
    setup.set("coro", "gen")
    assert setup.instr.tracing_needed()
    assert {f.f_code.co_name for f, _ref in setup.instr.holders.values()} == {"fetch", "gen"}
    assert asyncio.run(mod.fetch(3)) == 6  # made after: has the hook
    assert setup.hits == [("fetch", line_of("coro"))]
    coro.close()
    del coro
    assert setup.instr.tracing_needed()
    del g
    assert not setup.instr.tracing_needed() and setup.changes == 1


def test_running_frame_is_a_holder_until_it_returns(setup):
    mod = setup.import_module()
    running = []

    def set_breakpoint():
        running.append(sys._getframe(1))
        setup.set("after_callback")  # while calls_back runs: its frame keeps the old code

    assert mod.calls_back(set_breakpoint) == 1
    assert setup.hits == []
    frame = running[0]
    assert id(frame) in setup.instr.holders and setup.instr.tracing_needed()
    assert has_hook(mod.calls_back)
    setup.instr.frame_done(frame)  # the settrace backend reports its return
    assert not setup.instr.tracing_needed() and setup.changes == 1
    assert mod.calls_back(lambda: None) == 1
    assert setup.hits == [("calls_back", line_of("after_callback"))]


def test_tracebacks_and_source_show_the_users_code(setup):
    mod = setup.import_module()
    setup.set("fails")
    assert has_hook(mod.fails)
    with pytest.raises(ValueError) as info:
        mod.fails()
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (last.name, last.lineno) == ("fails", line_of("fails") + 1)
    assert last.line == "raise ValueError(value)"
    assert inspect.getsource(mod.fails).startswith("def fails():\n    value = 1")
    assert mod.fails.__code__.co_firstlineno == line_of("fails") - 1


def test_changed_file_keeps_settrace(setup):
    mod = setup.import_module()
    with open(setup.file, "w") as f:
        f.write("EXTRA = 1\n" + MODULE)  # every line moves down
    setup.bps.set(setup.file, [{"line": line_of("plain")}])
    setup.instr.sync()
    # The module's code is no longer what the file compiles to: nothing swapped.
    assert not has_hook(mod.plain) and setup.instr.tracing_needed()


def test_close_restores_every_function(setup):
    mod = setup.import_module()
    original = mod.plain.__code__
    setup.set("plain")
    assert mod.plain.__code__ is not original
    setup.instr.close()
    assert mod.plain.__code__ is original
