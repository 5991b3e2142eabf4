"""Async-aware stepping: where a step may stop, decided per line event.

A step "arms" frames: the thread stops at the next line executed in any armed frame,
whichever thread or loop turn that comes on. Frames are compared by identity, so other
tasks running the same code never stop a step.

* **over**: the frame stepped in, and what runs after it returns: its user caller (the
  calling function, or the coroutine awaiting it), or, for a task's top coroutine, the
  innermost user frame of every task awaiting this task. An ``await`` that suspends for
  many loop turns simply leaves the armed frame waiting for its next line.
* **out**: only what runs after the frame returns. When that is another task (the frame is
  its task's top coroutine), the step ends as soon as that task's frame resumes, on its
  ``await`` line.
* **into**: as over, plus the first line of user code that runs on the same thread in the
  same task (a coroutine awaited on this line, a function called from it).
* **target** (a step-in target): the first line of the chosen code object (e.g. the
  coroutine of a task created on this line, which runs loop turns later).
* **entry**: the first user line on the main thread.

When an armed frame returns and nothing is armed any more (no user caller, no awaiting
task), the step stops at the next user line on that thread.
"""

from ._codeinfo import ASYNCIO_DIR, is_runtime_file, is_user_file
from ._frames import awaiters_of, coro_frame, innermost_user_frame
from ._chains import walk_chain

__all__ = ["Step", "plan_step", "plan_task_step", "entry_step", "callers_after_return"]


class Step:
    __slots__ = ("kind", "ident", "frame", "task", "armed", "watch", "resume", "target_code", "anywhere", "jmc")

    def __init__(self, kind, ident, jmc):
        self.kind = kind
        self.ident = ident
        self.frame = None
        self.task = None
        self.armed = []  # frames whose next line ends the step
        self.watch = []  # frames whose return re-plans the step
        self.resume = []  # frames of awaiting tasks: the step ends when one resumes
        self.target_code = None
        self.anywhere = False  # stop at the next user line on thread `ident` (in `task`, if set)
        self.jmc = jmc

    def codes(self):
        out = [f.f_code for f in self.armed]
        out.extend(f.f_code for f in self.watch)
        if self.target_code is not None:
            out.append(self.target_code)
        return out

    def resumed(self, frame):
        """An awaiting task's frame resumes (its await is over): the step ends there, on the
        ``await`` line, even if that frame runs no further line (``async with``'s exit)."""
        return any(f is frame for f in self.resume)

    def matches(self, frame, ident, current_task):
        """Should a line event in *frame* on thread *ident* end this step?"""
        for f in self.armed:
            if f is frame:
                return True
        code = frame.f_code
        if self.target_code is not None and code is self.target_code:
            return True
        if self.anywhere and ident == self.ident and is_user_file(code.co_filename, self.jmc):
            return self.task is None or current_task() is self.task
        return False

    def returned(self, frame, task):
        """A watched or armed frame returned (not a yield): arm what runs next.

        An armed frame can return without running another line (``async with`` as the
        last statement: its exit runs on the ``with`` line); its callers take its place.
        True if anything changed.
        """
        watched = any(f is frame for f in self.watch)
        armed_here = any(f is frame for f in self.armed)
        if not watched and not armed_here:
            return False
        self.watch = [f for f in self.watch if f is not frame]
        armed = self.armed = [f for f in self.armed if f is not frame]
        if task is not None and frame is coro_frame(task._coro):
            nxt = _awaiter_frames(task, self.jmc)
            self.resume.extend(nxt)
        elif armed_here and not watched:
            nxt = callers_after_return(frame, task, self.jmc)
        else:
            nxt = []  # the callers were armed when the step was planned
        for f in nxt:
            if not any(a is f for a in armed):
                armed.append(f)
        if not armed and self.target_code is None:
            self.anywhere = True
            self.task = None
        return True


def _awaiter_frames(task, jmc):
    out = []
    for t in awaiters_of(task):
        f = innermost_user_frame(t, jmc)
        if f is not None:
            out.append(f)
    return out


def callers_after_return(frame, task, jmc):
    """The frames that run next when *frame* returns (empty: nothing to return to)."""
    if task is not None and frame is coro_frame(task._coro):
        return _awaiter_frames(task, jmc)
    b = frame.f_back
    while b is not None:
        fn = b.f_code.co_filename
        if is_runtime_file(fn):
            return []
        if is_user_file(fn, jmc):
            return [b]
        if fn.startswith(ASYNCIO_DIR):
            return []  # an event loop callback: nothing of the user's awaits it
        b = b.f_back
    return []


def plan_task_step(kind, ident, task, jmc):
    """A Step of a suspended *task* (selected in the Call Stack): from its innermost user
    frame, which is not running, so its callers come from the await chain."""
    frames = [f for _obj, f in walk_chain(task._coro) if is_user_file(f.f_code.co_filename, jmc)]
    if not frames:
        step = Step(kind, ident, jmc)
        step.anywhere = True
        step.task = task
        return step
    frame = frames[-1]
    callers = [frames[-2]] if len(frames) > 1 else None
    return plan_step(kind, ident, frame, task, jmc, callers=callers)


def plan_step(kind, ident, frame, task, jmc, target=None, callers=None):
    """A Step of *kind* ('over', 'into', 'out') from *frame* (the innermost user frame).

    *target*: ``(code, is_new_task)`` for a step-in target. *callers*: the frames that run
    when *frame* returns, if known (else found from ``f_back`` or the awaiting tasks).
    """
    step = Step(kind, ident, jmc)
    step.frame = frame
    step.task = task
    if frame is None:
        step.anywhere = True
        step.task = None
        return step
    if callers is None:
        callers = callers_after_return(frame, task, jmc)
        if task is not None and frame is coro_frame(task._coro):
            step.resume = list(callers)
    if target is not None:
        step.kind = "target"
        step.target_code, is_task = target
        if not is_task:
            step.armed = [frame] + callers
            step.watch = [frame]
        return step
    step.watch = [frame]
    if kind == "out":
        step.armed = callers
    else:
        step.armed = [frame] + callers
        if kind == "into":
            step.anywhere = True
    return step


def entry_step(ident, jmc):
    step = Step("entry", ident, jmc)
    step.anywhere = True
    return step
