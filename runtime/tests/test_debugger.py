"""The debugger engine against a fake adapter speaking the debug/* requests.

Each test runs a program from ``programs/dbg_*.py`` under the runtime, sets breakpoints
by ``# @marker`` lines, and checks stops, stacks, variables and evaluations. Every wait is
for a message or an exit; timeouts are upper bounds only.
"""

import os
import signal
import socket
import sys

import pytest

from conftest import PROGRAMS, TIMEOUT, marker_line

PY312 = sys.version_info >= (3, 12)


def path(name):
    return os.path.join(PROGRAMS, name)


class Debug:
    """A debug session: the runtime started under the fake adapter, configured."""

    def __init__(self, adapter, program, *args, breakpoints=None, filters=("uncaught",), jmc=True,
                 entry=False, subscribe=False):
        self.a = adapter
        self.program = path(program)
        adapter.spawn(program, *args)
        adapter.accept()
        assert adapter.next_message()["method"] == "hello"
        self.ok("initialize", {"clientName": "pytest"})
        if subscribe:
            self.ok("tasks/subscribe", {"intervalMs": 20})
        self.ok("debug/configure", {"justMyCode": jmc, "stopOnEntry": entry})
        self.results = {}
        for file, markers in (breakpoints or {}).items():
            self.results[file] = self.set_bps(file, markers)
        self.ok("debug/setExceptionBreakpoints", {"filters": list(filters)})
        self.ok("program/start", {})

    def line(self, marker, file=None):
        return marker_line(os.path.basename(file or self.program), marker)

    def set_bps(self, file, markers):
        specs = []
        for m in markers:
            spec = dict(m) if isinstance(m, dict) else {"marker": m}
            marker = spec.pop("marker", None)
            if marker is not None:
                spec["line"] = self.line(marker, path(file))
            specs.append(spec)
        return self.ok("debug/setBreakpoints", {"file": path(file), "breakpoints": specs})["breakpoints"]

    def request(self, method, params=None):
        return self.a.request(method, params or {})

    def ok(self, method, params=None):
        msg = self.request(method, params)
        assert "result" in msg, msg
        return msg["result"]

    def error(self, method, params=None):
        msg = self.request(method, params)
        assert "error" in msg, msg
        return msg["error"]["message"]

    def stopped(self, timeout=TIMEOUT):
        return self.a.wait_notification(lambda m: m["method"] == "debug/stopped", timeout)["params"]

    def output(self):
        return self.a.wait_notification(lambda m: m["method"] == "debug/output")["params"]

    def frames(self, thread_id=1):
        return self.ok("debug/stackTrace", {"threadId": thread_id})["frames"]

    def top(self, thread_id=1):
        f = self.frames(thread_id)[0]
        return f["name"], f["line"]

    def locals(self, frame_id):
        scopes = self.ok("debug/scopes", {"frameId": frame_id})["scopes"]
        assert [s["name"] for s in scopes] == ["Locals", "Globals"]
        return {v["name"]: v for v in self.ok("debug/variables", {"ref": scopes[0]["ref"]})["variables"]}

    def evaluate(self, expr, frame_id=None, context="repl", timeout_ms=2000):
        params = {"expression": expr, "context": context, "timeoutMs": timeout_ms}
        if frame_id is not None:
            params["frameId"] = frame_id
        return self.request("debug/evaluate", params)

    def value(self, expr, frame_id=None):
        msg = self.evaluate(expr, frame_id)
        assert "result" in msg, msg
        return msg["result"]["result"]

    def step(self, kind, thread_id=1, **extra):
        self.ok("debug/step", dict({"threadId": thread_id, "kind": kind}, **extra))
        return self.stopped()

    def cont(self):
        self.ok("debug/continue", {"threadId": 1})

    def clear(self, file=None):
        self.ok("debug/setBreakpoints", {"file": path(file) if file else self.program, "breakpoints": []})

    def finish(self):
        proc = self.a.proc
        out, err = proc.communicate(timeout=TIMEOUT)
        return proc.returncode, out.decode(), err.decode()


# -- breakpoints ------------------------------------------------------------------------

def test_breakpoint_lines_are_verified_and_moved(adapter, tmp_path):
    d = Debug(adapter, "dbg_tasks.py")
    lines = path("dbg_lines.py")
    res = d.ok("debug/setBreakpoints", {"file": lines, "breakpoints": [
        {"line": 2}, {"line": 6}, {"line": 8}, {"line": 9}, {"line": 10}, {"line": 500}, {"line": 0}]})["breakpoints"]
    assert [(b["verified"], b["line"]) for b in res[:4]] == [(True, 5), (True, 7), (True, 9), (True, 9)]
    for b in res[4:]:
        assert b["verified"] is False and b["message"], b
    assert "No code at or after line 10" in res[4]["message"]
    assert len({b["id"] for b in res}) == len(res)

    bad = tmp_path / "broken.py"
    bad.write_text("x = (\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    for file, words in ((str(bad), "does not compile"), (str(notes), "not a Python source file"),
                        (str(tmp_path / "missing.py"), "does not exist")):
        [b] = d.ok("debug/setBreakpoints", {"file": file, "breakpoints": [{"line": 1}]})["breakpoints"]
        assert b["verified"] is False and words in b["message"], b
    for spec, words in (({"condition": "x >"}, "Invalid expression"), ({"hitCondition": "often"}, "hit condition"),
                        ({"logMessage": "{oops"}, "unclosed")):
        [b] = d.ok("debug/setBreakpoints", {"file": lines, "breakpoints": [dict(spec, line=7)]})["breakpoints"]
        assert b["verified"] is False and words in b["message"], b
    rc, out, _err = d.finish()
    assert rc == 0 and "results" in out


def test_breakpoint_in_task_async_stack_variables(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": ["leaf_first"]})
    st = d.stopped()
    assert st["reason"] == "breakpoint" and st["threadId"] == 1 and st["hitBreakpointIds"]
    assert isinstance(st["taskId"], int)
    frames = d.frames()
    shape = [(f["name"], f.get("hint", "normal")) for f in frames]
    main_task = next(f["name"] for f in frames if f.get("hint") == "label" and f["name"].startswith("awaited by"))
    assert shape == [("leaf", "normal"), ("middle", "normal"), ("album", "normal"), (main_task, "label"),
                     ("main", "normal"), (shape[5][0], "label"), ("<module>", "normal")], shape
    assert main_task == "awaited by Task 'Task-1'"
    assert shape[5][0].startswith("event loop")
    assert frames[0]["line"] == d.line("leaf_first")
    assert frames[4]["line"] == d.line("await_album")
    loc = d.locals(frames[0]["id"])
    assert loc["x"]["value"] == "5"
    # the awaiting task's suspended frame has variables too
    assert set(d.locals(frames[4]["id"])) >= {"a", "b", "res"}
    assert d.value("asyncio.current_task().get_name()", frames[0]["id"]) == "'album'"
    assert d.value("x + 1", frames[1]["id"]) == "6"
    # the thread says which task it stopped in, so the client lists that task once, as this thread
    main_thread = next(t for t in d.ok("debug/threads")["threads"] if t["id"] == 1)
    assert main_thread == {"id": 1, "name": "MainThread", "taskId": st["taskId"], "taskName": "album"}
    d.clear()
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and "results [6, 6] 11" in out


def test_async_stack_through_gather_and_task_group(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_loop", "condition": "name == 'a'"},
        {"marker": "leaf_first", "condition": "x == 1"}]})
    d.stopped()
    frames = d.frames()
    assert [(f["name"], f.get("hint")) for f in frames[:3]] == [
        ("worker", None), ("awaited by Task 'Task-1'", "label"), ("main", None)]
    assert frames[2]["line"] == d.line("gather")
    d.set_bps("dbg_tasks.py", [{"marker": "leaf_first", "condition": "x == 1"}])
    d.cont()
    if sys.version_info < (3, 11):
        assert d.finish()[0] == 0
        return
    d.stopped()
    frames = d.frames()
    assert [(f["name"], f.get("hint")) for f in frames[:4]] == [
        ("leaf", None), ("awaited by Task 'Task-1'", "label"), ("grouped", None), ("main", None)]
    assert frames[2]["line"] == d.line("group")
    d.cont()
    assert d.finish()[0] == 0


def test_condition_hit_condition_and_logpoint(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_loop", "condition": "name == 'b'", "hitCondition": "2"},
        {"marker": "worker_after", "logMessage": "worker {name} i={i} {{literal}}"}]})
    st = d.stopped()
    assert st["reason"] == "breakpoint"
    top = d.frames()[0]
    assert top["line"] == d.line("worker_loop")
    assert d.value("(name, i)", top["id"]) == "('b', 1)"
    logs = []
    while len(logs) < 2:
        msg = d.a.wait_notification(lambda m: m["method"] == "debug/output")["params"]
        logs.append(msg)
    assert logs[0]["category"] == "console" and logs[0]["line"] == d.line("worker_after")
    assert logs[0]["output"].endswith(" {literal}\n") and logs[0]["output"].startswith("worker ")
    d.clear()
    d.cont()
    assert d.finish()[0] == 0


def test_hit_condition_forms(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_loop", "hitCondition": ">= 5"}]})
    d.stopped()
    assert d.value("(name, i)", d.frames()[0]["id"]) in ("('a', 2)", "('b', 2)")
    d.clear()
    d.cont()
    assert d.finish()[0] == 0


@pytest.mark.parametrize("condition,words", [("undefined_name > 1", "raised NameError"),
                                             ("spin_forever_for_test()", "did not finish")])
def test_condition_that_fails_stops_with_a_message(adapter, condition, words):
    if "spin" in condition:
        condition = "next(x for x in iter(int, 1) if x)"  # a Python-level loop that never ends
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [{"marker": "leaf_first", "condition": condition}]})
    st = d.stopped()
    assert st["reason"] == "breakpoint"
    assert words in st["text"], st
    d.clear()
    d.cont()
    assert d.finish()[0] == 0


def test_breakpoint_set_while_running(adapter, tmp_path):
    release = str(tmp_path / "release")
    d = Debug(adapter, "dbg_running.py", release)
    assert d.a.proc.stdout.readline() == b"ready\n"
    d.set_bps("dbg_running.py", ["tick"])
    st = d.stopped()
    assert d.top() == ("tick", d.line("tick"))
    # a breakpoint in a frame that is already running (the module's loop)
    d.set_bps("dbg_running.py", ["module_loop"])
    d.cont()
    d.stopped()
    assert d.top() == ("<module>", d.line("module_loop"))
    assert st["threadId"] == 1
    d.clear()
    open(release, "w").close()
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out.endswith("ticks True\n")


# -- stepping -------------------------------------------------------------------------

def test_step_over_await_stays_in_the_same_task(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_await", "condition": "name == 'a' and i == 0"}]})
    st = d.stopped()
    task = st["taskId"]
    d.clear()
    seen = []
    for _ in range(6):
        st = d.step("over")
        assert st["reason"] == "step"
        assert st["taskId"] == task
        f = d.frames()[0]
        seen.append((f["name"], f["line"], d.value("name", f["id"])))
    loop, await_, after = d.line("worker_loop"), d.line("worker_await"), d.line("worker_after")
    for_line = loop - 1
    assert seen == [("worker", n, "'a'") for n in (after, for_line, loop, await_, after, for_line)], seen
    d.cont()
    assert d.finish()[0] == 0


def test_step_over_at_the_end_of_a_task_goes_to_its_awaiter(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": ["album_after"]})
    d.stopped()
    d.clear()
    st = d.step("over")  # the awaiting task resumes: it stops on its await line
    assert d.top() == ("main", d.line("await_album")), d.frames()
    assert st["reason"] == "step"
    d.cont()
    assert d.finish()[0] == 0


def test_step_into_await_and_out_to_the_awaiting_coroutine_and_task(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": ["middle_await"]})
    d.stopped()
    d.clear()
    d.step("into")
    assert d.top() == ("leaf", d.line("leaf_first"))
    d.step("out")
    assert d.top() == ("middle", d.line("middle_after"))
    d.step("out")
    assert d.top() == ("album", d.line("album_after"))
    st = d.step("out")  # out of a task: the task awaiting it, on its await line
    assert d.top() == ("main", d.line("await_album")), d.frames()
    assert st["taskId"] != 0
    d.cont()
    assert d.finish()[0] == 0


def test_step_in_targets_offer_the_new_task(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": ["create_a"]})
    d.stopped()
    d.clear()
    fid = d.frames()[0]["id"]
    targets = d.ok("debug/stepInTargets", {"frameId": fid})["targets"]
    labels = [t["label"] for t in targets]
    assert "worker() (new task)" in labels, labels
    target = next(t["id"] for t in targets if t["label"] == "worker() (new task)")
    st = d.step("into", targetId=target)
    assert d.top() == ("worker", d.line("worker_loop") - 2)
    assert st["taskId"] is not None
    d.cont()
    assert d.finish()[0] == 0


def test_stop_on_entry_and_step(adapter, tmp_path):
    release = tmp_path / "release"
    release.write_text("")
    d = Debug(adapter, "dbg_running.py", str(release), entry=True)
    st = d.stopped()
    assert st["reason"] == "entry" and st["taskId"] is None
    assert d.top() == ("<module>", 1)
    d.step("over")
    assert d.top() == ("<module>", 2)
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "ready\nticks False\n"


# -- pause ----------------------------------------------------------------------------

def test_pause_a_busy_coroutine(adapter):
    d = Debug(adapter, "dbg_busy.py", "spin")
    assert d.a.proc.stdout.readline() == b"running\n"
    d.ok("debug/pause", {"threadId": 1})
    st = d.stopped()
    frames = d.frames()
    assert st["reason"] == "pause" and st["taskId"] is not None, (st, frames)
    # the signal may land on the loop's own line, or the line event on its body
    assert frames[0]["name"] == "spin" and frames[0]["line"] in (d.line("spin") - 1, d.line("spin")), (st, frames)
    assert [f["name"] for f in frames[:2]] == ["spin", "main"]
    assert int(d.value("n", frames[0]["id"])) > 0
    d.cont()
    d.ok("debug/pause", {})
    assert d.stopped()["reason"] == "pause"


def test_pause_a_blocked_loop_stops_when_it_returns_to_python(adapter):
    d = Debug(adapter, "dbg_busy.py", "block", "1.0")
    assert d.a.proc.stdout.readline() == b"running\n"
    d.ok("debug/pause", {})
    st = d.stopped()
    assert st["reason"] == "pause"
    # Linux: a signal interrupts the sleep and the main thread stops in it at once;
    # elsewhere it stops when the call returns.
    assert d.top() in (("block", d.line("block")), ("block", d.line("woke")))
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "woke\n"


@pytest.mark.skipif(not hasattr(signal, "SIGRTMIN"), reason="needs a real-time signal")
def test_pause_interrupts_a_long_blocking_call_at_once(adapter):
    d = Debug(adapter, "dbg_busy.py", "block", "600")
    assert d.a.proc.stdout.readline() == b"running\n"
    d.ok("debug/pause", {})
    st = d.stopped(timeout=20)  # long before the 600 s sleep ends
    assert st["reason"] == "pause" and st["taskId"] is not None
    frames = d.frames()
    assert (frames[0]["name"], frames[0]["line"]) == ("block", d.line("block"))
    assert d.value("asyncio.current_task().get_name()", frames[0]["id"]) == "'Task-1'"


# -- exceptions -----------------------------------------------------------------------

def test_raised_filter_stops_where_raised(adapter):
    d = Debug(adapter, "dbg_exc.py", "1", filters=["raised"])
    st = d.stopped()
    assert st["reason"] == "exception" and "ValueError: too big: 5" in st["text"]
    assert d.top() == ("risky", d.line("raise"))
    info = d.ok("debug/exceptionInfo", {"threadId": 1})
    assert info["exceptionId"] == "ValueError" and info["breakMode"] == "always"
    assert info["message"] == "too big: 5" and "Traceback" in info["stackTrace"]
    d.ok("debug/setExceptionBreakpoints", {"filters": []})
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "caught\nno error\n"


def test_uncaught_exception_stops_before_the_program_ends(adapter):
    d = Debug(adapter, "dbg_exc.py", "7", filters=["uncaught"])
    st = d.stopped()
    assert st["reason"] == "exception" and st["text"] == "ValueError: too big: 7"
    frames = d.frames()
    assert [f["name"] for f in frames][:3] == ["risky", "main", "<module>"]
    assert frames[0]["line"] == d.line("raise") and frames[1]["line"] == d.line("uncaught")
    assert d.value("x", frames[0]["id"]) == "7"
    info = d.ok("debug/exceptionInfo", {"threadId": 1})
    assert info["breakMode"] == "unhandled"
    d.cont()
    rc, out, err = d.finish()
    assert rc == 1 and "ValueError: too big: 7" in err and "asyncio_lens" not in err


def test_user_uncaught_and_task_failed(adapter):
    d = Debug(adapter, "dbg_exc.py", "1", filters=["userUncaught", "taskFailed"])
    st = d.stopped()
    assert st["reason"] == "exception" and "KeyError" in st["text"]
    assert d.top() == ("fails", d.line("task_raise"))
    assert d.ok("debug/exceptionInfo", {"threadId": 1})["breakMode"] == "userUnhandled"
    d.cont()
    st = d.stopped()
    assert "Task 'orphan' failed and nobody retrieved its exception" in st["text"], st
    frames = d.frames()
    assert frames[0]["name"] == "fails" and frames[0]["line"] == d.line("task_raise")
    assert any(f.get("hint") == "label" for f in frames)
    d.cont()
    rc, out, err = d.finish()
    assert rc == 0 and out == "caught\nno error\n"
    assert "Task exception was never retrieved" in err


# -- evaluate, variables, setVariable ----------------------------------------------------

def test_evaluate_variables_and_set_variable(adapter):
    d = Debug(adapter, "dbg_eval.py", breakpoints={"dbg_eval.py": ["stop"]})
    d.stopped()
    fid = d.frames()[0]["id"]
    assert d.value("counter * 2", fid) == "20"
    assert d.value("asyncio.current_task().get_name()", fid) == "'Task-1'"
    assert d.value("await quick()", fid) == "42"
    msg = d.evaluate("await asyncio.sleep(1)", fid)
    assert "event loop" in msg["error"]["message"]
    assert d.evaluate("1/0", fid)["error"]["message"] == "ZeroDivisionError: division by zero"
    assert "SyntaxError" in d.evaluate("1 +", fid)["error"]["message"]
    msg = d.evaluate("spin_forever()", fid, timeout_ms=300)
    assert "timed out" in msg["error"]["message"], msg
    assert d.value("counter", fid) == "10"  # the session survived the interruption
    assert d.evaluate("counter = 99", fid)["result"]["result"] == ""
    assert d.value("counter", fid) == "99"

    loc = d.locals(fid)
    assert loc["bad"]["value"] == "<repr raised ValueError: no repr for you>"
    assert 1000 <= len(loc["huge"]["value"]) <= 1002
    items = loc["items"]
    assert items["indexed"] == 2500 and items["ref"] > 0
    page = d.ok("debug/variables", {"ref": items["ref"], "start": 2400, "count": 100})["variables"]
    assert [v["name"] for v in page] == [str(i) for i in range(2400, 2500)]
    assert page[0]["evaluateName"] == "items[2400]"
    mapping = d.ok("debug/variables", {"ref": loc["mapping"]["ref"]})["variables"]
    assert [(v["name"], v["value"]) for v in mapping] == [("'a'", "1"), ("'b'", "[1, 2]")]
    assert mapping[1]["ref"] > 0 and mapping[1]["evaluateName"] == "mapping['b']"
    point = {v["name"]: v for v in d.ok("debug/variables", {"ref": loc["p"]["ref"]})["variables"]}
    assert point["x"]["value"] == "1" and point["x"]["evaluateName"] == "p.x"

    scopes = d.ok("debug/scopes", {"frameId": fid})["scopes"]
    changed = d.ok("debug/setVariable", {"ref": scopes[0]["ref"], "name": "counter", "value": "counter + 1"})
    assert changed["value"] == "100"
    err = d.error("debug/setVariable", {"ref": scopes[0]["ref"], "name": "counter", "value": "5 +"})
    assert "Invalid value" in err and "SyntaxError" in err
    err = d.error("debug/setVariable", {"ref": scopes[0]["ref"], "name": "counter", "value": "nope"})
    assert "NameError" in err
    assert d.ok("debug/setVariable", {"ref": loc["p"]["ref"], "name": "x", "value": "7"})["value"] == "7"
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "counter 100 7\nafter 100\n"


# -- threads and tasks ------------------------------------------------------------------

def test_threads_stop_together_and_evaluate_on_their_own_thread(adapter):
    d = Debug(adapter, "dbg_threads.py", breakpoints={"dbg_threads.py": ["main_bp"]})
    st = d.stopped()
    assert st["threadId"] == 1
    threads = d.ok("debug/threads")["threads"]
    names = {t["name"]: t["id"] for t in threads}
    assert names["MainThread"] == 1 and "cruncher" in names, threads
    assert not any(n.startswith("asyncio-lens") for n in names)
    started = d.a.wait_notification(lambda m: m["method"] == "debug/thread")["params"]
    assert started == {"reason": "started", "threadId": names["cruncher"], "name": "cruncher"}
    other = d.frames(names["cruncher"])
    assert other[0]["name"] == "work"
    assert d.value("threading.current_thread().name", other[0]["id"]) == "'cruncher'"
    assert d.value("threading.current_thread().name", d.frames(1)[0]["id"]) == "'MainThread'"
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "done\n"


def test_a_breakpoint_removed_at_a_stop_stops_no_other_thread(adapter):
    """A one-shot stop (the adapter's ``stopAtMarker``): four threads reach a breakpoint
    line at once, the first stops and the breakpoint is removed. The threads that reached
    it meanwhile, parked with the first, must go on at the continue instead of reporting
    their own stops at a breakpoint that is gone."""
    d = Debug(adapter, "dbg_race.py", breakpoints={"dbg_race.py": ["race"]})
    st = d.stopped()
    assert d.top(st["threadId"]) == ("racer", d.line("race"))
    d.clear()
    d.ok("debug/continue", {"threadId": st["threadId"]})
    while True:  # until the program ends and closes the connection
        msg = d.a.next_message()
        if msg is None:
            break
        assert msg.get("method") != "debug/stopped", msg
    rc, out, _ = d.finish()
    assert rc == 0 and out == "hits 4\n"


def test_task_stack_and_cancel(adapter):
    d = Debug(adapter, "dbg_cancel.py")
    assert d.a.proc.stdout.readline() == b"started\n"
    snap = d.ok("tasks/snapshot")
    sleeper = next(t for t in snap["tasks"] if t["name"] == "sleeper")
    d.ok("debug/pause", {})
    d.stopped()
    frames = d.ok("debug/taskStack", {"taskId": sleeper["id"]})["frames"]
    assert frames[0]["name"] == "forever"
    assert frames[1] == dict(frames[1], hint="label", name="awaited by Task 'Task-1'")
    assert frames[2]["name"] == "main"
    assert "exc" not in d.locals(frames[0]["id"])
    assert "Task 99999" in d.error("debug/taskStack", {"taskId": 99999})
    d.cont()
    assert d.ok("tasks/cancel", {"id": sleeper["id"], "message": "from the debugger"}) == {"cancelled": True}
    rc, out, _ = d.finish()
    assert rc == 0
    assert out == "cancelled with ('from the debugger',)\nmain saw it\n"


def test_just_my_code_off_shows_library_frames_subtle(adapter):
    d = Debug(adapter, "dbg_tasks.py", jmc=False, breakpoints={"dbg_tasks.py": ["leaf_first"]})
    d.stopped()
    frames = d.frames()
    subtle = [f for f in frames if f.get("hint") == "subtle"]
    assert subtle and all("asyncio_lens" not in f["file"] for f in frames)
    d.clear()
    d.cont()
    assert d.finish()[0] == 0


# -- the session's edges ------------------------------------------------------------------

def test_syntax_error_is_reported_after_the_debugger_connected(adapter, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\nx = (\n")
    adapter.spawn(str(bad))
    adapter.accept()
    assert adapter.next_message()["method"] == "hello"
    adapter.request("initialize", {"clientName": "pytest"})
    adapter.request("program/start", {})
    out, err = adapter.proc.communicate(timeout=TIMEOUT)
    assert adapter.proc.returncode == 1
    assert 'bad.py", line 2' in err.decode() and "SyntaxError" in err.decode()


def test_disconnect_while_stopped_lets_the_program_finish(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": ["worker_loop"]})
    d.stopped()
    d.a.sock.shutdown(socket.SHUT_RDWR)
    d.a.sock.close()
    rc, out, _ = d.finish()
    assert rc == 0 and "results [6, 6] 11" in out


def test_requests_when_not_stopped_get_clear_errors(adapter):
    d = Debug(adapter, "dbg_busy.py", "spin")
    assert d.a.proc.stdout.readline() == b"running\n"
    assert "not stopped" in d.error("debug/step", {"threadId": 1, "kind": "over"})
    assert "Unknown frame" in d.error("debug/scopes", {"frameId": 12345})
    assert "no thread" in d.error("debug/stackTrace", {"threadId": 77})
    assert "not stopped on an exception" in d.error("debug/exceptionInfo", {"threadId": 1})
    frames = d.ok("debug/stackTrace", {"threadId": 1})["frames"]  # a running thread: a sample
    assert frames and frames[-1]["name"] == "<module>"


def test_uncaught_exception_in_a_thread_stops_there(adapter):
    d = Debug(adapter, "dbg_thread_exc.py", filters=["uncaught"])
    st = d.stopped()
    assert st["reason"] == "exception" and st["text"].startswith("IndexError")
    assert st["threadId"] != 1
    frames = d.frames(st["threadId"])
    assert (frames[0]["name"], frames[0]["line"]) == ("work", d.line("thread_raise"))
    assert d.value("items", frames[0]["id"]) == "[0, 1, 2]"
    # stepping from a post-mortem stop simply lets the program go on
    d.ok("debug/step", {"threadId": st["threadId"], "kind": "over"})
    rc, out, err = d.finish()
    assert rc == 0 and out == "main goes on\n" and "IndexError" in err


def test_evaluate_while_running_uses_the_main_module(adapter):
    d = Debug(adapter, "dbg_busy.py", "spin")
    assert d.a.proc.stdout.readline() == b"running\n"
    assert d.value("spin.__name__") == "'spin'"
    assert "NameError" in d.evaluate("no_such_name")["error"]["message"]


def test_step_out_of_gather_and_task_group_children(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_return", "condition": "name == 'a'"}]})
    d.stopped()
    d.clear()
    d.step("out")  # out of a gather child: main, once the gather is done
    assert d.top() == ("main", d.line("gather")), d.frames()
    if sys.version_info < (3, 11):
        d.cont()
        assert d.finish()[0] == 0
        return
    d.set_bps("dbg_tasks.py", [{"marker": "leaf_return", "condition": "x == 1"}])
    d.cont()
    d.stopped()
    d.clear()
    st = d.step("out")  # out of a TaskGroup child's coroutine: the task waiting in the group
    assert d.top() == ("grouped", d.line("group")), d.frames()
    assert st["reason"] == "step"
    d.cont()
    assert d.finish()[0] == 0


def test_step_into_asyncio_sleep_stays_in_user_code_of_the_same_task(adapter):
    d = Debug(adapter, "dbg_tasks.py", breakpoints={"dbg_tasks.py": [
        {"marker": "worker_await", "condition": "name == 'b' and i == 1"}]})
    st = d.stopped()
    d.clear()
    st2 = d.step("into")  # asyncio.sleep is asyncio's: not entered; worker-a runs meanwhile
    assert st2["taskId"] == st["taskId"]
    f = d.frames()[0]
    assert (f["name"], f["line"]) == ("worker", d.line("worker_after"))
    assert d.value("(name, i)", f["id"]) == "('b', 1)"
    d.cont()
    assert d.finish()[0] == 0


# -- breakpoints by instrumentation (3.10/3.11) -------------------------------------------

def _hooked(d, expr, frame_id):
    """Does the function *expr* run an instrumented copy (a hook among its constants)?"""
    return d.value("any(type(c).__name__ == 'function' for c in (%s).__code__.co_consts)" % expr, frame_id)


def test_breakpoints_in_closure_method_coroutine_and_later_import(adapter):
    d = Debug(adapter, "dbg_instr.py", breakpoints={
        "dbg_instr.py": [{"marker": "closure", "condition": "x == 3"}, {"marker": "method", "hitCondition": "2"},
                         "coro"],
        "dbg_instr_mod.py": [{"marker": "mod_loop", "logMessage": "i={i}"}]})
    d.stopped()
    top = d.frames()[0]
    assert (top["name"], top["line"]) == ("Counter.bump" if not sys.version_info < (3, 11) else "bump",
                                          d.line("method"))
    assert d.value("self.n", top["id"]) == "1"
    instrumented = "True" if not PY312 else "False"
    assert _hooked(d, "Counter.bump", top["id"]) == instrumented
    d.cont()
    d.stopped()
    top = d.frames()[0]
    assert top["line"] == d.line("closure") and d.value("(x, k)", top["id"]) == "(3, 10)"
    d.cont()
    logs = [d.output()["output"] for _ in range(3)]
    assert logs == ["i=0\n", "i=1\n", "i=2\n"]
    d.stopped()
    top = d.frames()[0]
    assert top["line"] == d.line("coro") and d.value("i", top["id"]) == "21"
    # Removing the breakpoints puts the original code back.
    d.clear()
    assert _hooked(d, "Counter.bump", top["id"]) == "False"
    assert _hooked(d, "make_adder", top["id"]) == "False"
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out == "result %d 42\n" % (sum(i + 10 for i in range(5)) + 15 + 3)


def test_step_over_from_an_instrumented_breakpoint(adapter):
    d = Debug(adapter, "dbg_instr.py", breakpoints={"dbg_instr.py": ["method"]})
    d.stopped()
    assert d.top()[1] == d.line("method")
    d.step("over")
    assert d.top()[1] == d.line("method") + 1
    d.clear()
    d.cont()
    assert d.finish()[0] == 0


def test_breakpoint_in_a_running_coroutine_and_a_function_it_calls_later(adapter, tmp_path):
    release = str(tmp_path / "release")
    d = Debug(adapter, "dbg_running_async.py", release)
    assert d.a.proc.stdout.readline() == b"ready\n"
    # The task's coroutine already runs: settrace serves it on 3.10/3.11.
    d.set_bps("dbg_running_async.py", ["poll_body"])
    d.stopped()
    top = d.frames()[0]
    assert top["line"] == d.line("poll_body")
    assert int(d.value("n", top["id"])) >= 0
    # A function not running yet: instrumented on 3.10/3.11.
    d.set_bps("dbg_running_async.py", ["after"])
    assert _hooked(d, "after", top["id"]) == ("True" if not PY312 else "False")
    open(release, "w").close()
    d.cont()
    d.stopped()
    top = d.frames()[0]
    assert top["line"] == d.line("after") and int(d.value("n", top["id"])) >= 1
    d.clear()
    assert _hooked(d, "after", top["id"]) == "False"
    d.cont()
    rc, out, _ = d.finish()
    assert rc == 0 and out.endswith("polled True\n")
