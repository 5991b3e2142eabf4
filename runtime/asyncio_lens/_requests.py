"""The ``debug/*`` requests (and ``tasks/cancel``), served on the server's I/O thread.

A mixin of :class:`_engine.Engine`. A request about a stopped thread's frames or values
runs on that thread (``_on_thread`` posts it there and waits); a request that resumes the
program does so only after its answer is sent (``AfterReply``), so that a stop never
overtakes the answer to the step that caused it.
"""

import logging
import sys
import threading
import traceback

from . import _deadline
from ._frames import FrameRef, StackBuilder, current_task_of_thread, find_task
from ._stepping import plan_step, plan_task_step
from ._stepping_targets import step_in_targets
from ._tracker import describe_exception, task_id
from ._waits import safe_name
from ._variables import EvaluateError

__all__ = ["RequestsMixin", "RequestError", "DEBUG_HANDLERS"]

_log = logging.getLogger(__name__)

_EVAL_GRACE = 1.0
_VARIABLES_LIMIT = 5.0

DEBUG_HANDLERS = {
    "debug/configure": "configure",
    "debug/setBreakpoints": "set_breakpoints",
    "debug/setExceptionBreakpoints": "set_exception_breakpoints",
    "debug/threads": "threads_request",
    "debug/continue": "continue_request",
    "debug/pause": "pause_request",
    "debug/step": "step_request",
    "debug/stepInTargets": "step_in_targets",
    "debug/stackTrace": "stack_trace",
    "debug/taskStack": "task_stack",
    "debug/scopes": "scopes",
    "debug/variables": "variables",
    "debug/evaluate": "evaluate",
    "debug/setVariable": "set_variable",
    "debug/exceptionInfo": "exception_info",
    "tasks/cancel": "cancel_task",
}


class RequestError(Exception):
    """A request that cannot be answered; the message is for the user (JSON-RPC error)."""

    rpc_code = -32000


class RequestsMixin:
    def configure(self, params):
        self.jmc = bool(params.get("justMyCode", True))
        self.stop_on_entry = bool(params.get("stopOnEntry", False))
        return {}

    def set_breakpoints(self, params):
        file = params.get("file")
        specs = params.get("breakpoints")
        if not isinstance(file, str) or not isinstance(specs, list):
            raise RequestError("debug/setBreakpoints needs a file and a list of breakpoints.")
        results = self.bps.set(file, [s if isinstance(s, dict) else {} for s in specs])
        self._refresh(restart=True, discover=True)
        return {"breakpoints": results}

    def set_exception_breakpoints(self, params):
        filters = params.get("filters") or []
        self.filters = frozenset(f for f in filters if isinstance(f, str))
        self._refresh()
        return {}

    def threads_request(self, params):
        alive = {t.ident: t for t in threading.enumerate()}
        for ident, t in alive.items():
            if ident not in self.threads:
                self._thread_state(ident)
        out = []
        loops = None
        for ts in sorted(self.threads.values(), key=lambda t: t.id):
            if ts.hidden or (ts.ident not in alive and not ts.parked):
                continue
            t = alive.get(ts.ident)
            entry = {"id": ts.id, "name": t.name if t is not None else ts.name}
            if ts.parked:
                # The task this thread stopped in: the client lists it as this thread, not twice.
                if loops is None:
                    loops = self.loops()
                task = current_task_of_thread(ts.ident, loops)
                tid = task_id(task) if task is not None else None
                if tid is not None:
                    entry["taskId"] = tid
                    entry["taskName"] = safe_name(task)
            out.append(entry)
        return {"threads": out}

    def continue_request(self, params):
        return _after_reply({}, self._resume_all)

    def pause_request(self, params):
        tid = params.get("threadId")
        with self.lock:
            if self.stopped:
                return {}
            if isinstance(tid, int):
                self._by_id(tid)  # a clear error for a thread that is gone
            # Whichever thread reaches the user's code first stops (and the others park):
            # the asked thread may be blocked in C for a long time.
            self.pause = "all"
        self._refresh(restart=True)
        self.main_signal.kick()
        for loop in self.loops():
            try:
                if loop.is_running() and not loop.is_closed():
                    loop.call_soon_threadsafe(self._pause_point)
            except Exception:  # noqa: BLE001
                pass
        return {}

    def step_request(self, params):
        kind = params.get("kind")
        if kind not in ("over", "into", "out"):
            raise RequestError("Unknown step kind %r." % (kind,))
        tid = params.get("taskId")
        if isinstance(tid, int):
            task = find_task(tid, self.loops())
            if task is None or task.done():
                raise RequestError("Task %s is not alive any more." % tid)
            ident = getattr(task._loop, "_thread_id", None)
            ts = self.threads.get(ident) if ident is not None else None
            if ts is None or not ts.parked or current_task_of_thread(ident, self.loops()) is not task:
                return self._step_suspended_task(task, ident, kind)
        else:
            ts = self._by_id(params.get("threadId"))
        target = None
        if kind == "into" and isinstance(params.get("targetId"), int):
            target = self.handles.get(params["targetId"])
            if not isinstance(target, tuple):
                target = None
        if not ts.parked:
            raise RequestError("Thread %s is not stopped." % ts.id)

        def plan():
            frame = ts.top
            if ts.stop is not None and ts.stop.post_mortem and frame is None:
                return None
            frame = self._innermost_visible(frame) if frame is not None else None
            task = current_task_of_thread(ts.ident, self.loops())
            return plan_step(kind, ts.ident, frame, task, self.jmc, target)

        step = self._on_thread(ts.ident, plan)
        if step is not None and _log.isEnabledFor(logging.DEBUG):
            _log.debug("step %s: armed %s, watched %s, anywhere %s", step.kind,
                       [(f.f_code.co_name, f.f_lineno) for f in step.armed],
                       [(f.f_code.co_name, f.f_lineno) for f in step.watch], step.anywhere)
        return _after_reply({}, lambda: self._resume_all(step))

    def _step_suspended_task(self, task, ident, kind):
        if not self.stopped:
            raise RequestError("The program is not stopped.")
        step = self._on_thread(ident, lambda: plan_task_step(kind, ident, task, self.jmc))
        return _after_reply({}, lambda: self._resume_all(step))

    def step_in_targets(self, params):
        ref = self._frame_ref(params.get("frameId"))
        if ref.frame is None:
            return {"targets": []}

        def work():
            out = []
            for label, code, is_task in step_in_targets(ref.frame, ref.line, self.jmc):
                out.append({"id": self.handles.add((code, is_task)), "label": label})
            return {"targets": out}

        return self._on_thread(ref.ident, work)

    def _page(self, frames, params):
        start = params.get("startFrame") or 0
        levels = params.get("levels") or 0
        total = len(frames)
        frames = frames[start:start + levels] if levels > 0 else frames[start:]
        return {"frames": frames, "total": total}

    def stack_trace(self, params):
        ts = self._by_id(params.get("threadId"))

        def work():
            builder = StackBuilder(self.handles, self.jmc)
            top = ts.top
            post = ts.stop.post_mortem if ts.stop is not None else None
            if top is None and not post:
                top = sys._current_frames().get(ts.ident)
            task = current_task_of_thread(ts.ident, self.loops()) if top is not None else None
            return self._page(builder.thread_stack(top, ts.ident, task, ts.name, post), params)

        return self._on_thread(ts.ident, work)

    def task_stack(self, params):
        tid = params.get("taskId")
        task = find_task(tid, self.loops()) if isinstance(tid, int) else None
        if task is None or task.done():
            raise RequestError("Task %s is not alive any more." % tid)
        loop = task._loop
        ident = getattr(loop, "_thread_id", None)
        with self.lock:
            ts = self.threads.get(ident) if ident is not None else None
            running_here = ts is not None and ts.parked and current_task_of_thread(ident, self.loops()) is task

        def work():
            builder = StackBuilder(self.handles, self.jmc)
            if running_here:
                frames = builder.thread_stack(ts.top, ident, task, ts.name, None)
            else:
                frames = builder.task_stack(task)
            return self._page(frames, params)

        return self._on_thread(ident, work)

    def _frame_ref(self, fid):
        ref = self.handles.get(fid) if isinstance(fid, int) else None
        if not isinstance(ref, FrameRef):
            raise RequestError("Unknown frame %s (the program has resumed since)." % fid)
        return ref

    def scopes(self, params):
        ref = self._frame_ref(params.get("frameId"))
        if ref.frame is None:
            return {"scopes": []}
        return self._on_thread(ref.ident, lambda: {"scopes": self.vars.scopes(ref.frame)})

    def variables(self, params):
        vref = params.get("ref")
        owner = self.handles.owner(vref) if isinstance(vref, int) else None

        def work():
            with _deadline.limit(_VARIABLES_LIMIT):
                return {"variables": self.vars.variables(vref, params.get("start"), params.get("count"))}

        try:
            return self._on_thread(owner, work, _VARIABLES_LIMIT + _EVAL_GRACE)
        except EvaluateError as exc:
            raise RequestError(str(exc)) from None

    def evaluate(self, params):
        expression = params.get("expression")
        if not isinstance(expression, str):
            raise RequestError("debug/evaluate needs an expression.")
        timeout = params.get("timeoutMs")
        timeout_s = max(0.05, float(timeout) / 1000.0) if isinstance(timeout, (int, float)) else 10.0
        fid = params.get("frameId")
        if fid is None:
            frame, ident = None, self.main_ident if self.main_ident in self.parked else None
        else:
            ref = self._frame_ref(fid)
            frame, ident = ref.frame, ref.ident
        context = params.get("context") or "repl"
        try:
            return self._on_thread(ident, lambda: self.vars.evaluate(expression, frame, context, timeout_s),
                                   timeout_s + _EVAL_GRACE)
        except EvaluateError as exc:
            raise RequestError(str(exc)) from None

    def set_variable(self, params):
        vref, name, value = params.get("ref"), params.get("name"), params.get("value")
        if not isinstance(vref, int) or not isinstance(name, str) or not isinstance(value, str):
            raise RequestError("debug/setVariable needs ref, name and value.")
        try:
            return self._on_thread(self.handles.owner(vref),
                                   lambda: self.vars.set_variable(vref, name, value, _VARIABLES_LIMIT),
                                   _VARIABLES_LIMIT + _EVAL_GRACE)
        except EvaluateError as exc:
            raise RequestError(str(exc)) from None

    def exception_info(self, params):
        ts = self._by_id(params.get("threadId"))
        stop = ts.stop
        if stop is None or stop.exc is None:
            raise RequestError("Thread %s is not stopped on an exception." % ts.id)
        exc = stop.exc
        t = type(exc)
        mod = getattr(t, "__module__", "builtins")
        qual = t.__qualname__ if mod == "builtins" else "%s.%s" % (mod, t.__qualname__)
        try:
            tb = "".join(traceback.format_exception(t, exc, stop.tb or exc.__traceback__))
        except Exception:  # noqa: BLE001
            tb = ""
        message = describe_exception(exc)
        message = message.split(": ", 1)[1] if ": " in message else ""
        mode = stop.break_mode or "always"
        if mode == "taskFailed":
            mode = "unhandled"
        return {"exceptionId": qual, "description": stop.text or qual, "breakMode": mode,
                "typeName": qual, "message": message, "stackTrace": tb}

    def cancel_task(self, params):
        tid = params.get("id")
        message = params.get("message")
        task = find_task(tid, self.loops()) if isinstance(tid, int) else None
        if task is None or task.done():
            return {"cancelled": False}
        loop = task._loop
        if loop.is_closed():
            return {"cancelled": False}

        def cancel():  # after the answer: the program may end at once
            try:
                loop.call_soon_threadsafe(task.cancel, message if isinstance(message, str) else None)
            except RuntimeError:  # the loop closed meanwhile
                pass

        return _after_reply({"cancelled": True}, cancel)


def _after_reply(result, then):
    from ._server import AfterReply

    return AfterReply(result, then)
