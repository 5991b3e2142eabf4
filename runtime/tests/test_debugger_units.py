"""The debugger's pure helpers: hit conditions, log messages, lines, safe repr, time limits."""

import sys
import threading
import time

import pytest

from asyncio_lens import _breakpoints, _codeinfo, _deadline, _variables


@pytest.mark.parametrize("text,op,n", [("3", "==", 3), (">= 3", ">=", 3), ("% 2 == 0", "%", 2), ("%5", "%", 5),
                                       (" < 10 ", "<", 10), ("!=1", "!=", 1)])
def test_hit_conditions(text, op, n):
    assert _breakpoints.parse_hit_condition(text) == (op, n)


@pytest.mark.parametrize("text", ["often", "% 0", ">= x", "== 3 == 0", ""])
def test_bad_hit_conditions(text):
    with pytest.raises(ValueError):
        _breakpoints.parse_hit_condition(text)


def test_log_message_parts():
    parts = _breakpoints.parse_log_message("a {x} {{b}} {d['k']} {f({1: 2})}")
    assert [p if isinstance(p, str) else p[0] for p in parts] == ["a ", "x", " {b} ", "d['k']", " ", "f({1: 2})"]
    parts = _breakpoints.parse_log_message("{x!r} {y:>5} {z!s:^7} {a != b} {d[1:2]} {(w := 3)}")
    fields = [p for p in parts if not isinstance(p, str)]
    assert [(f[0], f[2], f[3]) for f in fields] == [
        ("x", "r", None), ("y", None, ">5"), ("z", "s", "^7"), ("a != b", None, None), ("d[1:2]", None, None),
        ("(w := 3)", None, None)]
    with pytest.raises(ValueError):
        _breakpoints.parse_log_message("{x!q}")
    with pytest.raises(ValueError):
        _breakpoints.parse_log_message("{x")
    with pytest.raises(SyntaxError):
        _breakpoints.parse_log_message("{x +}")


def test_executable_lines(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("# c\n\ndef f():\n    # inside\n    return 1\n\nx = f()\n")
    assert _codeinfo.executable_lines(str(f)) == [3, 5, 7]


def test_safe_repr():
    class Bad:
        def __repr__(self):
            raise KeyError("nope")

    assert _variables.safe_repr(Bad()) == "<repr raised KeyError: 'nope'>"
    assert len(_variables.safe_repr("x" * 5000)) == 1001
    assert _variables.safe_repr(list(range(10000))).endswith("...]")


def test_code_kinds():
    assert _codeinfo.is_runtime_file(_variables.__file__)
    assert _codeinfo.is_library_file(threading.__file__)
    assert _codeinfo.is_user_file(__file__)
    assert not _codeinfo.is_user_file(threading.__file__)
    assert _codeinfo.is_user_file(threading.__file__, just_my_code=False)


@pytest.mark.skipif(not _deadline.interrupt_supported(), reason="no ctypes")
def test_time_limit_interrupts_a_python_loop_and_leaves_nothing_pending():
    t0 = time.monotonic()
    with pytest.raises(_deadline.EvalTimeout):
        with _deadline.limit(0.2):
            while True:
                pass
    assert 0.15 < time.monotonic() - t0 < 5
    for _ in range(100000):  # a pending exception would surface here
        pass
    with _deadline.limit(5):
        assert sum(range(1000)) == 499500
    assert sys.getswitchinterval() > 0


def test_log_message_rendering():
    class Frame:
        f_globals = {}
        f_locals = {"name": "ab", "n": 3.14159, "bad": None}

    bp = _breakpoints.Breakpoint(1, "f", 1)
    bp.log = _breakpoints.parse_log_message("{name!r} {n:.2f} {name:>4} {missing} {{x}}")
    stop, text, out = _breakpoints.evaluate_hit(bp, Frame())
    assert (stop, text) == (False, None)
    assert out == "'ab' 3.14   ab <missing: NameError: name 'missing' is not defined> {x}"
