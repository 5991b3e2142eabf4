"""Attach by PID (3.14+): ``python -m asyncio_lens attach|ps|pstree PID`` on programs that run
under plain python, which must behave exactly as without the attach."""

import os
import re
import subprocess
import sys

import pytest

from conftest import PROGRAMS, TIMEOUT, env_for_runtime, env_plain

pytestmark = pytest.mark.skipif(not hasattr(sys, "remote_exec"), reason="sys.remote_exec (PEP 768) is new in 3.14")


class Target:
    """programs/attach_target.py under plain python (or *runtime* arguments: under
    ``python -m asyncio_lens run``), ready (it printed its pid)."""

    def __init__(self, *args, runtime=None):
        prefix = [sys.executable] if runtime is None else [sys.executable, "-m", "asyncio_lens", "run"] + runtime
        self.proc = subprocess.Popen(prefix + [os.path.join(PROGRAMS, "attach_target.py")] + list(args),
                                     cwd=PROGRAMS, env=env_plain() if runtime is None else env_for_runtime(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.first = self.proc.stdout.readline()
        assert self.first == b"ready %d\n" % self.proc.pid

    def finish(self):
        """(exit code, stdout, stderr), the pid in "ready PID" written as N."""
        out, err = self.proc.communicate(b"bye\n", timeout=TIMEOUT)
        return self.proc.returncode, b"ready N\n" + out, err

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=TIMEOUT)


@pytest.fixture
def target():
    made = []

    def make(*args, **kw):
        t = Target(*args, **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        t.close()


def lens(*args, timeout=TIMEOUT):
    return subprocess.run([sys.executable, "-m", "asyncio_lens"] + list(args), env=env_for_runtime(),
                          capture_output=True, timeout=timeout)


def plain_run():
    """What the target prints and how it ends without any attach."""
    t = Target()
    try:
        return t.finish()
    finally:
        t.close()


def test_attach_to_an_idle_loop_prints_the_tree_and_changes_nothing(target, tmp_path):
    t = target()
    r = lens("attach", str(t.proc.pid))
    assert r.returncode == 0, r.stderr
    tree = r.stdout.decode()
    assert "pid %d" % t.proc.pid in tree
    assert re.search(r"'guarded' leaf\(\) · waiting on event not set · shielded · awaited by 'shielder'", tree), tree
    assert re.search(r"'shielder' main.<locals>.shielder\(\) · waiting on shield 'guarded'", tree), tree
    assert re.search(r"'stubborn' stubborn\(\) · waiting on event not set · cancel requested via unseen · #", tree), tree
    assert re.search(r"main\(\) · waiting on stream.read", tree), tree
    # Made before the attach, yet in its TaskGroup under its parent (from the group's callbacks).
    assert re.search(r"'grouper' [^\n]*\n(?:[│ ]+at [^\n]*\n)+[│ ]*└─ TaskGroup #\d+ \(1 task\)\n[│ ]*└─ 'member' leaf\(\)",
                     tree), tree
    assert b'"processId": %d' % t.proc.pid in r.stderr
    # Attach again: the agent is reused, and a debugger could attach with the token file.
    token_file = str(tmp_path / "token")
    r2 = lens("attach", str(t.proc.pid), "--token-file", token_file)
    assert r2.returncode == 0, r2.stderr
    with open(token_file, encoding="utf-8") as f:
        token, where = f.read().split("\n")[:2]
    assert len(token) >= 24 and re.fullmatch(r"127\.0\.0\.1:\d+", where)
    assert oct(os.stat(token_file).st_mode & 0o777) == "0o600"
    assert t.finish() == plain_run()


def test_ps_and_pstree_show_what_cpython_shows_plus_waits_and_cancel_marks(target):
    t = target()
    pid = str(t.proc.pid)
    theirs = subprocess.run([sys.executable, "-m", "asyncio", "ps", pid], capture_output=True, timeout=TIMEOUT)
    assert theirs.returncode == 0, theirs.stderr
    before = lens("ps", pid)  # no agent in the program yet: CPython's columns, ours empty
    assert before.returncode == 0, before.stderr
    rows = lambda text: {line.split()[1]: line for line in text.decode().splitlines()[2:] if line.strip()}  # noqa: E731
    assert set(rows(before.stdout)) == set(rows(theirs.stdout)) and len(rows(theirs.stdout)) >= 4
    assert "waiting on" not in before.stdout.decode()
    assert lens("attach", pid).returncode == 0
    after = lens("ps", pid)
    assert after.returncode == 0, after.stderr
    ours = rows(after.stdout)
    assert set(ours) == set(rows(theirs.stdout))
    for addr, line in rows(theirs.stdout).items():
        assert ours[addr].startswith(line.rstrip()[:60])  # CPython's columns first, unchanged
    stubborn = next(line for line in ours.values() if " stubborn " in line)
    assert "waiting on event not set" in stubborn and "cancel requested via unseen" in stubborn
    tree = lens("pstree", pid)
    assert tree.returncode == 0, tree.stderr
    text = tree.stdout.decode()
    assert "(T) guarded · waiting on event not set · shielded" in text, text
    assert t.finish() == plain_run()


def test_ps_of_a_program_started_under_asyncio_lens(target):
    """The agent ran from the start: who asked for the cancel is known, not 'unseen'."""
    t = target(runtime=["--listen", "127.0.0.1:0", "--no-wait"])
    r = lens("ps", str(t.proc.pid))
    assert r.returncode == 0, r.stderr
    stubborn = next(line for line in r.stdout.decode().splitlines() if " stubborn " in line)
    assert "waiting on event not set" in stubborn and "cancel requested via user by 'Task-1'" in stubborn, stubborn
    t.proc.stdin.write(b"bye\n")
    t.proc.stdin.close()
    assert t.proc.wait(TIMEOUT) == 3


def test_a_blocked_main_thread_is_named_and_the_attach_waits_for_it(target):
    t = target("blocking")
    r = lens("attach", str(t.proc.pid), "--timeout", "1.5")
    assert r.returncode == 2
    assert r.stderr.startswith(b"asyncio-lens: waiting for process %d to run Python code: its main thread is "
                               b"blocked in read" % t.proc.pid), r.stderr
    assert b"did not run Python code within 2 s: its main thread is blocked in read" in r.stderr, r.stderr
    code, out, err = t.finish()  # the given-up attach left a mark: the late script does nothing
    assert (code, out, err) == plain_run()


def test_refusals_say_why():
    r = lens("attach", "4000000")
    assert (r.returncode, r.stderr) == (2, b"asyncio-lens: there is no process 4000000\n")
    r = lens("ps", "x")
    assert r.returncode == 2 and b"ps needs a process id" in r.stderr
    r = lens("attach", "1", "--bogus")
    assert r.returncode == 2 and b"unknown option --bogus" in r.stderr
