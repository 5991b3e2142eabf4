"""Same output, exit code, exceptions and task lifetimes with and without the agent.

Each program of ``programs/corpus`` runs plainly and under the runtime with everything
turned on (snapshots at exit, step timing, lock owners, warnings, the watchdog). The
programs print when tasks and coroutines are freed (``weakref.finalize``), so lifetimes
are compared through the output.
"""

import os

import pytest

from conftest import PROGRAMS, run_lens, run_plain

CORPUS = os.path.join(PROGRAMS, "corpus")
PROGRAM_NAMES = sorted(f for f in os.listdir(CORPUS) if f.endswith(".py"))


@pytest.mark.parametrize("name", PROGRAM_NAMES)
def test_same_behaviour_with_the_full_agent(name, tmp_path):
    plain = run_plain([name], cwd=CORPUS)
    out = tmp_path / "snap.txt"
    lens = run_lens(["--snapshot-on-exit", "--snapshot-at", "0.005", "--output", str(out), "--blocked-ms", "50",
                     name], cwd=CORPUS)
    assert lens.returncode == plain.returncode
    assert lens.stdout == plain.stdout
    assert lens.stderr == plain.stderr
    assert out.read_text(encoding="utf-8").startswith("asyncio-lens snapshot")


def test_corpus_snapshot_records_failures_and_warnings(tmp_path):
    out = tmp_path / "snap.json"
    r = run_lens(["--snapshot-on-exit", "--format", "json", "--output", str(out), "all_apis.py"], cwd=CORPUS)
    assert r.returncode == 0, r.stderr
    import json
    snap = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    hist = {h["name"]: h for h in snap["history"]}
    assert hist["victim"]["state"] == "cancelled"
    assert hist["victim"]["cancel"]["message"] == "stop it" and hist["victim"]["cancel"]["via"] == "user"
    assert any(w["kind"] == "exception_never_retrieved" and "never retrieved" in w["message"]
               for w in snap["warnings"])
    assert all(h["finished"] is not None and h["created"] is not None for h in snap["history"])


def test_destroyed_pending_task_becomes_a_warning(tmp_path):
    out = tmp_path / "snap.json"
    r = run_lens(["--snapshot-on-exit", "--format", "json", "--output", str(out), "pending_destroyed.py"],
                 cwd=CORPUS)
    assert r.returncode == 0
    import json
    snap = json.loads(out.read_text(encoding="utf-8"))
    ws = [w for w in snap["warnings"] if w["kind"] == "destroyed_pending"]
    assert len(ws) == 1 and ws[0]["task_name"] == "orphan" and isinstance(ws[0]["task"], int)
