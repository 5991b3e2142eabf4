"""The runtime runs a program exactly as plain python does: same output, same exit code."""

import json
import os
import signal
import sys

import pytest

from conftest import PROGRAMS, RUNTIME, env_for_runtime, run_lens, run_plain


def same_as_plain(args, cwd=PROGRAMS):
    plain = run_plain(args, cwd=cwd)
    lens = run_lens(args, cwd=cwd)
    assert lens.stdout.decode("utf-8", "replace") == plain.stdout.decode("utf-8", "replace")
    assert lens.stderr.decode("utf-8", "replace") == plain.stderr.decode("utf-8", "replace")
    assert lens.returncode == plain.returncode
    return lens


def test_normal_program():
    r = same_as_plain(["normal.py"])
    assert r.returncode == 0
    out = r.stdout.decode()
    assert "results [0, 1, 4, 9, 16]" in out
    assert "task named 9" in out
    assert "repr <Task finished name='named'" in out
    assert "factory None" in out


def test_sys_exit_code():
    r = same_as_plain(["exit3.py"])
    assert r.returncode == 3
    assert r.stdout == b"before exit\n"


def test_sys_exit_message():
    r = same_as_plain(["exit_msg.py"])
    assert r.returncode == 1
    assert r.stderr.decode().strip() == "fatal: something went wrong"


def test_uncaught_exception_traceback():
    r = same_as_plain(["uncaught.py"])
    assert r.returncode == 1
    err = r.stderr.decode()
    assert err.startswith("Traceback (most recent call last):\n  File \"%s\"" % os.path.join(PROGRAMS, "uncaught.py"))
    assert "asyncio_lens" not in err and "runpy" not in err
    assert "The above exception was the direct cause" in err
    assert err.rstrip().endswith("ValueError: wrapped")


def test_uncaught_exception_in_asyncio():
    r = same_as_plain(["uncaught_async.py"])
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "asyncio_lens" not in err
    assert err.rstrip().endswith("RuntimeError: child failed")


def test_custom_excepthook_is_used():
    r = same_as_plain(["custom_excepthook.py"])
    assert r.returncode == 1
    assert r.stdout.decode() == "custom hook: LookupError missing <module>\n"


def test_syntax_error():
    r = same_as_plain(["syntax_error.py"])
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "Traceback" not in err
    assert "SyntaxError" in err
    assert r.stdout == b""


def test_missing_script():
    r = same_as_plain(["no_such_script.py"])
    assert r.returncode == 2
    assert "can't open file" in r.stderr.decode()
    assert os.path.join(PROGRAMS, "no_such_script.py") in r.stderr.decode()


def test_os_exit():
    r = same_as_plain(["os_exit.py"])
    assert r.returncode == 3
    assert r.stdout == b"bye\n"
    assert r.stderr == b"err\n"


@pytest.mark.skipif(sys.platform == "win32", reason="exit by SIGINT is POSIX behaviour")
def test_keyboard_interrupt():
    r = same_as_plain(["keyboard_interrupt.py"])
    assert r.returncode == -signal.SIGINT
    assert r.stdout.decode() == "working\natexit ran\n"
    assert r.stderr.decode().rstrip().endswith("KeyboardInterrupt")
    assert "asyncio_lens" not in r.stderr.decode()


def test_unicode_and_raw_output():
    r = same_as_plain(["unicode_output.py"])
    assert b"raw \xff\xfe bytes" in r.stdout


@pytest.mark.parametrize("cwd_rel,script", [
    (".", "argv_check.py"),
    ("..", os.path.join("programs", "argv_check.py")),
    ("pkgmod", os.path.join("..", "argv_check.py")),
])
def test_script_sees_what_plain_python_shows(cwd_rel, script):
    cwd = os.path.normpath(os.path.join(PROGRAMS, cwd_rel))
    args = [script, "one", "two words", "--flag", "-m", "x"]
    plain = json.loads(run_plain(args, cwd=cwd).stdout)
    lens = json.loads(run_lens(args, cwd=cwd).stdout)
    # These runs put the runtime on PYTHONPATH (the adapter runs it by path instead, see
    # test_runtime_run_by_path_needs_no_pythonpath): the only expected difference.
    assert lens.pop("pythonpath").split(os.pathsep)[0] == RUNTIME
    assert RUNTIME not in (plain.pop("pythonpath") or "").split(os.pathsep)
    assert [p for p in lens.pop("sys_path") if p != RUNTIME] == plain.pop("sys_path")
    assert lens == plain
    assert lens["name"] == "__main__"
    assert lens["argv"] == args
    assert lens["path0"] == PROGRAMS
    assert lens["file"] == os.path.join(cwd, script)
    assert lens["main_is_me"] is True
    assert lens["token"] is None


def test_runtime_run_by_path_needs_no_pythonpath():
    """The adapter runs the bundled package by its path: nothing leaks into PYTHONPATH."""
    args = ["argv_check.py", "a"]
    plain = run_plain(args)
    lens = run_plain([os.path.join(RUNTIME, "asyncio_lens"), "run"] + args)
    assert lens.returncode == 0, lens.stderr
    assert json.loads(lens.stdout) == json.loads(plain.stdout)
    assert lens.stderr == plain.stderr


def test_runtime_entry_is_not_on_sys_path_zero():
    r = run_lens(["argv_check.py"])
    assert json.loads(r.stdout)["path0"] != RUNTIME


def test_user_task_factory():
    r = same_as_plain(["user_factory.py"])
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    assert "factory is mine: True" in out
    assert "[1, 2] 3 MyTask " in out  # the name check differs on 3.13.0 (cpython#130033), like plain
    assert "factory after reset: None" in out
    assert "made ['MyTask', 'MyTask', 'MyTask']" in out
    assert "TypeError: task factory must be a callable or None" in out


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager task factory is new in Python 3.12")
def test_eager_task_factory():
    r = same_as_plain(["eager_factory.py"])
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    assert "factory is eager: True" in out
    assert "quick done at once: True 1" in out
    assert "slow done at once: False" in out
    # 3.13.0-3.13.2 name these tasks 'None' (cpython#130033); the runtime keeps that as is.
    named = not ((3, 13, 0) <= sys.version_info[:3] < (3, 13, 3))
    assert "names: %s %s" % (named, named) in out


def test_multiprocessing_spawn():
    r = same_as_plain(["multiproc.py"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"[0, 1, 4, 9, 16]\n"


def test_run_module():
    r = same_as_plain(["-m", "pkgmod", "a", "b"])
    assert r.returncode == 0
    assert r.stdout.decode() == "pkgmod main __main__ ['a', 'b']\n"


def test_run_module_failure_traceback():
    r = same_as_plain(["-m", "pkgmod", "--fail"])
    assert r.returncode == 1
    assert "SystemError: module failed" in r.stderr.decode()
    assert "asyncio_lens" not in r.stderr.decode()


def test_run_missing_module():
    r = same_as_plain(["-m", "no_such_module_here"])
    assert r.returncode == 1
    assert "No module named no_such_module_here" in r.stderr.decode()


def test_run_directory_with_main():
    r = same_as_plain(["pkgmod", "x"])
    assert r.returncode == 0
    assert r.stdout.decode() == "pkgmod main __main__ ['x']\n"


def test_run_zipapp(tmp_path):
    import zipfile
    app = tmp_path / "app.pyz"
    with zipfile.ZipFile(app, "w") as z:
        z.writestr("__main__.py", "import sys\nprint('zip main', sys.argv, sys.path[0])\n")
    r = same_as_plain([str(app), "x"], cwd=str(tmp_path))
    assert r.returncode == 0
    assert r.stdout.decode() == "zip main %r %s\n" % ([str(app), "x"], app)


def test_usage_errors_exit_2():
    r = run_lens(["--bogus", "normal.py"])
    assert r.returncode == 2
    assert r.stderr.decode().startswith("asyncio-lens: error: unknown option --bogus")
    r = run_lens([])
    assert r.returncode == 2
    assert "no script given" in r.stderr.decode()


def test_help():
    r = run_lens(["--help"])
    assert r.returncode == 0
    assert r.stdout.decode().startswith("usage: python -m asyncio_lens run")


def test_log_file_and_nothing_on_stderr(tmp_path):
    log = tmp_path / "lens.log"
    r = run_lens(["normal.py"], env=env_for_runtime({"ASYNCIO_LENS_LOG": str(log)}))
    assert r.returncode == 0
    assert r.stderr == b""


def test_token_removed_without_connect():
    r = run_lens(["argv_check.py"], env=env_for_runtime({"ASYNCIO_LENS_TOKEN": "secret"}))
    assert json.loads(r.stdout)["token"] is None
