// What a hover says about an asyncio name: a short summary, the Python version notes, and the course step that teaches it.
import { t } from '../messages';
import type { CourseStep } from './courseSteps';

export interface AsyncioDoc {
  /** e.g. "asyncio.create_task(coro, *, name=None, context=None)" */
  signature: string;
  summary: () => string;
  /** Version notes, oldest first, e.g. ["3.7+", "context= 3.11+"]. */
  versions: string[];
  /** The course step that teaches it, which the hover links to; none when no step does. */
  step?: CourseStep;
}

export const ASYNCIO_DOCS: Record<string, AsyncioDoc> = {
  run: {
    signature: 'asyncio.run(main, *, debug=None, loop_factory=None)',
    summary: () => t('Runs the coroutine main in a new event loop and closes the loop afterwards. Call it once, from synchronous code: it raises RuntimeError inside a running loop.'),
    versions: ['3.7+', 'loop_factory= 3.12+'],
    step: 'coroutines',
  },
  Runner: {
    signature: 'asyncio.Runner(*, debug=None, loop_factory=None)',
    summary: () => t('A context manager that keeps one event loop for several run() calls.'),
    versions: ['3.11+'],
    step: 'coroutines',
  },
  create_task: {
    signature: 'asyncio.create_task(coro, *, name=None, context=None)',
    summary: () => t('Schedules the coroutine to run concurrently as a Task and returns it. The loop keeps only a weak reference: keep your own until the task is done.'),
    versions: ['3.7+', 'name= 3.8+', 'context= 3.11+'],
    step: 'tasks',
  },
  ensure_future: {
    signature: 'asyncio.ensure_future(obj, *, loop=None)',
    summary: () => t('Wraps a coroutine in a Task (futures pass through). Prefer create_task() for coroutines.'),
    versions: ['3.4.4+'],
    step: 'tasks',
  },
  TaskGroup: {
    signature: 'async with asyncio.TaskGroup() as tg',
    summary: () => t('Structured concurrency: tasks made with tg.create_task() are awaited when the block exits; if one fails, the others are cancelled and the errors raised together as an ExceptionGroup.'),
    versions: ['3.11+'],
    step: 'taskgroup',
  },
  CancelledError: {
    signature: 'asyncio.CancelledError',
    summary: () => t('Raised inside a task when it is cancelled. Clean up and re-raise it: swallowing it breaks cancel(), TaskGroup and timeouts.'),
    versions: ['BaseException subclass since 3.8'],
    step: 'cancellation',
  },
  sleep: {
    signature: 'await asyncio.sleep(delay, result=None)',
    summary: () => t('Suspends the current task for delay seconds and lets others run. sleep(0) just yields to the loop once.'),
    versions: ['3.4+'],
    step: 'sleep',
  },
  gather: {
    signature: 'await asyncio.gather(*aws, return_exceptions=False)',
    summary: () => t('Runs awaitables concurrently and returns their results in order. Without return_exceptions the first error propagates, but the other awaitables keep running.'),
    versions: ['3.4+', 'loop= removed 3.10'],
    step: 'gather',
  },
  as_completed: {
    signature: 'asyncio.as_completed(aws, *, timeout=None)',
    summary: () => t('Yields awaitables in the order they finish.'),
    versions: ['3.4+', 'async for 3.13+'],
    step: 'asCompleted',
  },
  eager_task_factory: {
    signature: 'loop.set_task_factory(asyncio.eager_task_factory)',
    summary: () => t('Starts each new task right away, synchronously, until its first real suspension.'),
    versions: ['3.12+'],
    step: 'eagerTasks',
  },
  shield: {
    signature: 'await asyncio.shield(aw)',
    summary: () => t('Protects the inner awaitable from cancellation of the awaiting task; the await itself is still cancelled. Keep a reference to the inner task.'),
    versions: ['3.4+'],
    step: 'shield',
  },
  timeout: {
    signature: 'async with asyncio.timeout(delay)',
    summary: () => t('Cancels the block when delay seconds pass and raises TimeoutError. It can only interrupt at an await. None means no deadline; reschedule() moves it.'),
    versions: ['3.11+'],
    step: 'timeout',
  },
  timeout_at: {
    signature: 'async with asyncio.timeout_at(when)',
    summary: () => t('Like timeout(), with an absolute deadline in loop.time() units.'),
    versions: ['3.11+'],
    step: 'timeout',
  },
  wait_for: {
    signature: 'await asyncio.wait_for(aw, timeout)',
    summary: () => t('Awaits aw with a timeout; on timeout cancels it and raises TimeoutError.'),
    versions: ['3.4+', 'built on timeout() since 3.12'],
    step: 'waitFor',
  },
  wait: {
    signature: 'await asyncio.wait(aws, *, timeout=None, return_when=ALL_COMPLETED)',
    summary: () => t('Waits for tasks or futures and returns (done, pending). It does not cancel what is pending.'),
    versions: ['3.4+', 'coroutines rejected since 3.11'],
    step: 'wait',
  },
  to_thread: {
    signature: 'await asyncio.to_thread(func, /, *args, **kwargs)',
    summary: () => t('Runs a blocking function in a worker thread and awaits its result, so the event loop stays responsive.'),
    versions: ['3.9+'],
    step: 'threads',
  },
  run_coroutine_threadsafe: {
    signature: 'asyncio.run_coroutine_threadsafe(coro, loop)',
    summary: () => t('Submits a coroutine to a loop running in another thread; returns a concurrent.futures.Future.'),
    versions: ['3.5.1+'],
    step: 'threadsafe',
  },
  Queue: {
    signature: 'asyncio.Queue(maxsize=0)',
    summary: () => t('A FIFO queue for tasks: await put() and get(); task_done() and join() track the work.'),
    versions: ['3.4+', 'shutdown() 3.13+'],
    step: 'queue',
  },
  Event: {
    signature: 'asyncio.Event()',
    summary: () => t('Wakes every task awaiting wait() when set() is called: the alternative to polling with sleep().'),
    versions: ['3.4+'],
    step: 'eventCondition',
  },
  Lock: {
    signature: 'asyncio.Lock()',
    summary: () => t('Mutual exclusion between tasks (not threads): async with lock.'),
    versions: ['3.4+'],
    step: 'lock',
  },
  Semaphore: {
    signature: 'asyncio.Semaphore(value=1)',
    summary: () => t('Limits how many tasks run a section at once: async with sem.'),
    versions: ['3.4+'],
    step: 'lock',
  },
  Barrier: {
    signature: 'asyncio.Barrier(parties)',
    summary: () => t('Blocks tasks at wait() until parties of them have arrived.'),
    versions: ['3.11+'],
  },
  get_running_loop: {
    signature: 'asyncio.get_running_loop()',
    summary: () => t('Returns the loop running in this thread; raises RuntimeError if none. Use it inside coroutines.'),
    versions: ['3.7+'],
    step: 'threadsafe',
  },
  get_event_loop: {
    signature: 'asyncio.get_event_loop()',
    summary: () => t('Legacy: inside a coroutine use get_running_loop(); outside, asyncio.run() or Runner.'),
    versions: ['deprecation warnings 3.10–3.13', 'raises RuntimeError without a loop in 3.14'],
    step: 'threadsafe',
  },
  current_task: {
    signature: 'asyncio.current_task(loop=None)',
    summary: () => t('Returns the Task running now, or None.'),
    versions: ['3.7+'],
    step: 'introspection',
  },
  all_tasks: {
    signature: 'asyncio.all_tasks(loop=None)',
    summary: () => t('Returns the set of unfinished tasks of the running loop.'),
    versions: ['3.7+'],
    step: 'introspection',
  },
  capture_call_graph: {
    signature: 'asyncio.capture_call_graph(future=None, *, depth=1, limit=None)',
    summary: () => t('Returns who awaits a task, as a call graph.'),
    versions: ['3.14+'],
    step: 'introspection',
  },
};
