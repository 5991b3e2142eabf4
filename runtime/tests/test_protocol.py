"""The Python mirror agrees with debug-adapter/agentProtocol.ts (read as text here;
a vitest test on the TypeScript side compares describe() with describeProtocol())."""

import json
import os
import re
import subprocess
import sys

import pytest

from asyncio_lens import _protocol

TS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                  "debug-adapter", "agentProtocol.ts")


def ts_source():
    if not os.path.exists(TS):
        # Only when the runtime is tested alone (e.g. from `pip install ./runtime`'s sources);
        # in this repository the TypeScript definition is always there and the test runs.
        pytest.skip("debug-adapter/agentProtocol.ts is not in this checkout")
    with open(TS, encoding="utf-8") as f:
        return f.read()


def ts_string_list(src, const):
    m = re.search(r"export const %s = \[(.*?)\]" % const, src, re.S)
    assert m, const
    return re.findall(r"'([^']*)'", m.group(1))


def ts_object_values(src, const):
    m = re.search(r"export const %s = \{(.*?)\}" % const, src, re.S)
    assert m, const
    return re.findall(r":\s*'([^']*)'", m.group(1))


def test_describe_matches_the_typescript_definition():
    src = ts_source()
    d = _protocol.describe()
    assert d["version"] == int(re.search(r"PROTOCOL_VERSION = (\d+);", src).group(1))
    assert d["tokenEnv"] == re.search(r"TOKEN_ENV = '([^']*)'", src).group(1)
    assert d["requests"] == sorted(ts_object_values(src, "Requests"))
    assert d["notifications"] == sorted(ts_object_values(src, "Notifications"))
    assert d["taskStates"] == ts_string_list(src, "TASK_STATES")
    assert d["taskKeys"] == sorted(ts_string_list(src, "TASK_KEYS"))
    assert d["snapshotKeys"] == sorted(ts_string_list(src, "SNAPSHOT_KEYS"))
    assert d["tasksChangedKeys"] == sorted(ts_string_list(src, "TASKS_CHANGED_KEYS"))
    if "export const EXCEPTION_FILTERS" in src:
        assert d["exceptionFilters"] == ts_string_list(src, "EXCEPTION_FILTERS")
    compact = d["compact"]
    assert "export const COMPACT_TASK_FIELDS = TASK_KEYS;" in src  # same order as TASK_KEYS
    assert compact["taskFields"] == ts_string_list(src, "TASK_KEYS")
    assert compact["stringFields"] == sorted(ts_string_list(src, "COMPACT_STRING_FIELDS"))
    assert compact["frame"] == ts_string_list(src, "COMPACT_FRAME")
    assert compact["site"] == ts_string_list(src, "COMPACT_SITE")
    assert compact["waiting"] == ts_string_list(src, "COMPACT_WAITING")
    assert compact["tasksChangedKeys"] == sorted(ts_string_list(src, "TASKS_CHANGED_KEYS") + ["strings", "chains"])
    assert "COMPACT_TASKS_CHANGED_KEYS = [...TASKS_CHANGED_KEYS, 'strings', 'chains']" in src
    assert compact["snapshotKeys"] == sorted(ts_string_list(src, "SNAPSHOT_KEYS") + ["strings", "chains"])
    assert "COMPACT_SNAPSHOT_KEYS = [...SNAPSHOT_KEYS, 'strings', 'chains']" in src
    ts_keys = re.search(r"export function describeProtocol\(\) \{\s*return \{(.*?)\n  \};", src, re.S).group(1)
    assert sorted(d) == sorted(re.findall(r"^    (\w+):", ts_keys, re.M))


def test_describe_from_the_command_the_vitest_test_runs():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(
        [sys.executable, "-c",
         "import json,sys; sys.path.insert(0,'runtime'); from asyncio_lens._protocol import describe; "
         "print(json.dumps(describe()))"],
        cwd=root, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == _protocol.describe()
    assert out.stderr == ""


def test_every_runtime_module_declares_all():
    import importlib
    for name in ("_cli", "_launch", "_tracker", "_snapshot", "_jsonrpc", "_server", "_protocol", "_compact",
                 "_wire", "_slices"):
        mod = importlib.import_module("asyncio_lens." + name)
        assert isinstance(mod.__all__, list), name
        for sym in mod.__all__:
            assert hasattr(mod, sym), (name, sym)
