"""Python mirror of ``debug-adapter/agentProtocol.ts``.

The TypeScript file is the definition of the protocol between the debug adapter and
this runtime. This module repeats its constants, and :func:`describe` returns the same
JSON as ``describeProtocol()`` there, so that a test on each side can check that the
two agree.

Connection: with ``--connect HOST:PORT`` the runtime connects to the adapter and sends
``hello {token, version, pid, python}`` first; the adapter drops a peer whose token
differs. With ``--listen HOST:PORT`` (attach) the adapter connects to the runtime and
must send ``hello {token}`` first (the token printed to stderr and written to
``--token-file``); the runtime drops any peer whose first message is not that, then
answers with its own ``hello``.
"""

__all__ = [
    "PROTOCOL_VERSION",
    "TOKEN_ENV",
    "REQUESTS",
    "NOTIFICATIONS",
    "INITIALIZE",
    "PROGRAM_START",
    "TASKS_SNAPSHOT",
    "TASKS_SUBSCRIBE",
    "HELLO",
    "TASKS_CHANGED",
    "TASK_STATES",
    "TASK_KEYS",
    "SNAPSHOT_KEYS",
    "TASKS_CHANGED_KEYS",
    "TASKS_CANCEL",
    "LOOP_BLOCKED",
    "LOOP_UNBLOCKED",
    "TASK_WARNING",
    "EXCEPTION_FILTERS",
    "COMPACT_TASK_FIELDS",
    "COMPACT_STRING_FIELDS",
    "COMPACT_FRAME",
    "COMPACT_SITE",
    "COMPACT_WAITING",
    "COMPACT_TASKS_CHANGED_KEYS",
    "COMPACT_SNAPSHOT_KEYS",
    "describe",
]

PROTOCOL_VERSION = 1

#: Environment variable that carries the one-time token to the runtime.
TOKEN_ENV = "ASYNCIO_LENS_TOKEN"

# Requests sent by the adapter, answered by the runtime.
INITIALIZE = "initialize"
PROGRAM_START = "program/start"
TASKS_SNAPSHOT = "tasks/snapshot"
TASKS_SUBSCRIBE = "tasks/subscribe"
TASKS_CANCEL = "tasks/cancel"
REQUESTS = {
    "initialize": INITIALIZE,
    "programStart": PROGRAM_START,
    "tasksSnapshot": TASKS_SNAPSHOT,
    "tasksSubscribe": TASKS_SUBSCRIBE,
    "tasksCancel": TASKS_CANCEL,
    # The debugger engine.
    "debugConfigure": "debug/configure",
    "debugSetBreakpoints": "debug/setBreakpoints",
    "debugSetExceptionBreakpoints": "debug/setExceptionBreakpoints",
    "debugThreads": "debug/threads",
    "debugContinue": "debug/continue",
    "debugPause": "debug/pause",
    "debugStep": "debug/step",
    "debugStepInTargets": "debug/stepInTargets",
    "debugStackTrace": "debug/stackTrace",
    "debugTaskStack": "debug/taskStack",
    "debugScopes": "debug/scopes",
    "debugVariables": "debug/variables",
    "debugEvaluate": "debug/evaluate",
    "debugSetVariable": "debug/setVariable",
    "debugExceptionInfo": "debug/exceptionInfo",
}

# Notifications sent by the runtime.
HELLO = "hello"
TASKS_CHANGED = "tasks/changed"
LOOP_BLOCKED = "loop/blocked"
LOOP_UNBLOCKED = "loop/unblocked"
TASK_WARNING = "task/warning"
NOTIFICATIONS = {
    "hello": HELLO,
    "tasksChanged": TASKS_CHANGED,
    "loopBlocked": LOOP_BLOCKED,
    "loopUnblocked": LOOP_UNBLOCKED,
    "taskWarning": TASK_WARNING,
    "debugStopped": "debug/stopped",
    "debugContinued": "debug/continued",
    "debugThread": "debug/thread",
    "debugOutput": "debug/output",
}

#: Exception breakpoint filters the engine understands.
EXCEPTION_FILTERS = ("raised", "uncaught", "userUncaught", "taskFailed")

TASK_STATES = ("pending", "running", "done", "cancelled", "failed")

TASK_KEYS = (
    "id", "name", "state", "parent", "group", "coro", "created_at", "chain",
    "waiting_on", "awaited_by", "cancel", "exception", "steps", "busy_ms", "created",
    "first_run", "finished", "shielded",
)

SNAPSHOT_KEYS = ("version", "python", "pid", "time", "tasks", "cycles", "blocked", "warnings", "history")

TASKS_CHANGED_KEYS = ("seq", "time", "reset", "tasks", "finished")

# The compact form (``tasks/subscribe`` / ``tasks/snapshot`` with ``compact: true``; see
# ``_compact``): a task is an array of its fields in this order; the fields of
# COMPACT_STRING_FIELDS are indices into the string table; ``created_at`` is a
# COMPACT_SITE array, ``chain`` an index into the chain table (whose entries are lists
# of COMPACT_FRAME arrays, ``name`` and ``file`` string indices), ``waiting_on`` a
# COMPACT_WAITING array (``kind`` an index) plus, when it has other keys, an object with
# them.
COMPACT_TASK_FIELDS = TASK_KEYS
COMPACT_STRING_FIELDS = ("state", "coro")
COMPACT_FRAME = ("name", "file", "line")
COMPACT_SITE = ("file", "line")
COMPACT_WAITING = ("kind", "detail", "tasks")
COMPACT_TASKS_CHANGED_KEYS = TASKS_CHANGED_KEYS + ("strings", "chains")
COMPACT_SNAPSHOT_KEYS = SNAPSHOT_KEYS + ("strings", "chains")


def _js_sorted(values):
    # JavaScript's default sort compares UTF-16 code units; for the ASCII names used
    # here that is the same order as Python's code point order.
    return sorted(values)


def describe():
    """Everything the TypeScript definition must agree with, in plain JSON."""
    return {
        "version": PROTOCOL_VERSION,
        "tokenEnv": TOKEN_ENV,
        "requests": _js_sorted(REQUESTS.values()),
        "notifications": _js_sorted(NOTIFICATIONS.values()),
        "taskStates": list(TASK_STATES),
        "taskKeys": _js_sorted(TASK_KEYS),
        "snapshotKeys": _js_sorted(SNAPSHOT_KEYS),
        "tasksChangedKeys": _js_sorted(TASKS_CHANGED_KEYS),
        "exceptionFilters": list(EXCEPTION_FILTERS),
        "compact": {
            "taskFields": list(COMPACT_TASK_FIELDS),  # order matters
            "stringFields": _js_sorted(COMPACT_STRING_FIELDS),
            "frame": list(COMPACT_FRAME),
            "site": list(COMPACT_SITE),
            "waiting": list(COMPACT_WAITING),
            "tasksChangedKeys": _js_sorted(COMPACT_TASKS_CHANGED_KEYS),
            "snapshotKeys": _js_sorted(COMPACT_SNAPSHOT_KEYS),
        },
    }
