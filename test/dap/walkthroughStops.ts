/**
 * What each course step's "Debug with tasks" stop must show: one entry per snippet
 * (walkthroughs/<step>/<name>.py), checked by walkthroughs.test.ts against the task snapshot
 * taken at the `# lens: stop here` marker. Each check is about the step's own concept.
 */
import { expect } from 'vitest';
import type { Snapshot, TaskInfo } from '../../debug-adapter/agentProtocol';

export interface StopView {
  snapshot: Snapshot;
  /** Live tasks. */
  tasks: TaskInfo[];
  /** Recently finished tasks. */
  history: TaskInfo[];
  /** Frames of the stopped thread, innermost first: name and line. */
  frames: { name: string; line: number }[];
  /** 1-based line of the first line of the snippet containing `text`. */
  lineOf(text: string): number;
}

export interface StepStop {
  /** Minor version of Python 3 the snippet needs; older ones print "needs Python 3.N+" and exit 0. */
  needs?: number;
  check(view: StopView): void;
}

const byCoro = (tasks: TaskInfo[], coro: string) => tasks.filter((t) => t.coro === coro);
const one = (tasks: TaskInfo[], where: (t: TaskInfo) => boolean, what: string): TaskInfo => {
  const found = tasks.filter(where);
  expect(found, `exactly one ${what} in ${JSON.stringify(tasks.map((t) => [t.name, t.coro, t.state]))}`).toHaveLength(1);
  return found[0];
};
const running = (tasks: TaskInfo[]) => one(tasks, (t) => t.state === 'running', 'running task');
const main = (tasks: TaskInfo[]) => one(tasks, (t) => t.coro === 'main', 'main task');

export const STEP_STOPS: Record<string, StepStop> = {
  '01-coroutines/coroutines.py': {
    // `await coro` runs the coroutine inside the awaiting task: no second task, brew on main's stack.
    check: ({ tasks, frames }) => {
      expect(tasks.map((t) => [t.coro, t.state])).toEqual([['main', 'running']]);
      expect(frames.slice(0, 2).map((f) => f.name)).toEqual(['brew', 'main']);
    },
  },
  '02-awaitables/awaitables.py': {
    // A loop callback fills the Future: no task runs, main is suspended on the bare Future.
    check: ({ tasks, frames }) => {
      expect(tasks.filter((t) => t.state === 'running')).toEqual([]);
      expect(main(tasks).waiting_on?.kind).toBe('future');
      expect(frames[0].name).toBe('fill');
    },
  },
  '03-tasks/tasks.py': {
    // Two tasks run concurrently: download-b finishes while download-a still sleeps and main awaits it.
    check: ({ tasks }) => {
      const a = one(tasks, (t) => t.name === 'download-a', 'download-a');
      expect(running(tasks).name).toBe('download-b');
      expect(a.waiting_on?.kind).toBe('sleep');
      expect(main(tasks).waiting_on?.tasks).toEqual([a.id]);
      expect(a.awaited_by).toEqual([main(tasks).id]);
    },
  },
  '04-cancellation/cancellation.py': {
    // The worker handles its CancelledError; the cancel request is recorded, main awaits the worker.
    check: ({ tasks }) => {
      const worker = running(tasks);
      expect(worker.coro).toBe('worker');
      expect(worker.cancel).toMatchObject({ via: 'user', by_task: main(tasks).id });
      expect(main(tasks).waiting_on?.tasks).toEqual([worker.id]);
    },
  },
  '05-uncancel/uncancel.py': {
    needs: 11,
    // One pending cancel request while the worker cleans up: cancelling() is 1.
    check: ({ tasks }) => {
      const worker = running(tasks);
      expect(worker.coro).toBe('worker');
      expect(worker.cancel).toMatchObject({ via: 'user', count: 1 });
    },
  },
  '06-taskgroup/taskgroup.py': {
    needs: 11,
    // A sibling failed: the group cancels the slow task and waits for its cleanup.
    check: ({ tasks, history }) => {
      const slow = running(tasks);
      expect(slow.coro).toBe('fetch');
      expect(slow.cancel?.via).toBe('taskgroup');
      expect(slow.group).not.toBeNull();
      const broken = one(history, (t) => t.group === slow.group && t.state === 'failed', 'failed sibling');
      expect(broken.exception).toMatch(/^ConnectionError: broken is down/);
      expect(main(tasks).waiting_on?.kind).toBe('taskgroup');
    },
  },
  '07-sleep/sleep.py': {
    // Right after time.sleep(1): the heartbeat's wake-up time has passed, but the blocked loop could not run it.
    check: ({ tasks, snapshot }) => {
      expect(running(tasks).coro).toBe('main');
      const [heartbeat] = byCoro(tasks, 'heartbeat');
      expect(heartbeat.waiting_on?.kind).toBe('sleep');
      expect(heartbeat.waiting_on?.deadline).toBeLessThan(snapshot.time - 0.5);
    },
  },
  '08-gather/gather.py': {
    // gather raised the first exception, and did not cancel the survivor: it still sleeps.
    check: ({ tasks, history }) => {
      const survivor = one(tasks, (t) => t.coro === 'job', 'job task');
      expect(survivor).toMatchObject({ state: 'pending', cancel: null });
      expect(survivor.waiting_on?.kind).toBe('sleep');
      one(history, (t) => t.state === 'failed' && /boom failed/.test(t.exception ?? ''), 'failed boom');
    },
  },
  '09-as-completed/as_completed.py': {
    // The first result arrived (fast); the two slower jobs still run as tasks as_completed made.
    check: ({ tasks, history }) => {
      const jobs = byCoro(tasks, 'job');
      expect(jobs).toHaveLength(2);
      for (const job of jobs) expect(job.waiting_on?.kind).toBe('sleep');
      expect(byCoro(history, 'job').map((t) => t.state)).toEqual(['done']);
    },
  },
  '10-eager-tasks/eager_tasks.py': {
    needs: 12,
    // The cached fetch runs its first step inside create_task(), on demo's stack: never scheduled.
    check: ({ tasks, frames, lineOf }) => {
      const fetch = running(tasks);
      expect(fetch).toMatchObject({ coro: 'fetch', steps: 0 });
      expect(frames).toContainEqual({ name: 'demo', line: lineOf('asyncio.create_task(fetch(page))') });
    },
  },
  '11-shield/shield.py': {
    // The waiter (handler) was cancelled; the shielded save() task goes on, with no cancel request.
    check: ({ tasks, history }) => {
      const [save] = byCoro(tasks, 'save');
      expect(save).toMatchObject({ state: 'pending', cancel: null });
      const handler = one(history, (t) => t.coro === 'handler', 'handler');
      expect(handler.state).toBe('cancelled');
      expect(handler.cancel?.via).toBe('user');
    },
  },
  '12-wait-for/wait_for.py': {
    // The timed-out work is cancelled by wait_for (its own task before 3.12, main's task since).
    check: ({ tasks, frames }) => {
      expect(frames[0].name).toBe('slow_query');
      expect(running(tasks).cancel?.via).toMatch(/^(wait_for|timeout)$/);
    },
  },
  '13-timeout/timeout.py': {
    needs: 11,
    // The block's deadline arrives as a cancellation of the task that runs the block.
    check: ({ tasks, frames }) => {
      expect(frames.slice(0, 2).map((f) => f.name)).toEqual(['step', 'main']);
      expect(main(tasks)).toMatchObject({ state: 'running', cancel: { via: 'timeout' } });
    },
  },
  '14-wait/wait.py': {
    // wait(timeout=) returned with c pending, not cancelled; b's failure waits in its task.
    check: ({ tasks, history }) => {
      expect(one(tasks, (t) => t.name === 'c', 'task c')).toMatchObject({ state: 'pending', cancel: null });
      expect(history.filter((t) => t.name === 'b').every((t) => t.state === 'failed')).toBe(true);
    },
  },
  '15-lock/lock.py': {
    // With the lock: the holder acts after its await, the other task queues on the Lock it holds.
    check: ({ tasks }) => {
      const holder = running(tasks);
      const waiter = one(tasks, (t) => t.waiting_on?.kind === 'lock', 'task waiting on the lock');
      expect(waiter.waiting_on?.holder).toBe(holder.id);
    },
  },
  '16-event-condition/event_condition.py': {
    // Just before set(): both runners wait on the Event.
    check: ({ tasks }) => {
      const runners = byCoro(tasks, 'runner');
      expect(runners.map((t) => t.waiting_on?.kind)).toEqual(['event', 'event']);
    },
  },
  '17-queue/producer_consumer.py': {
    // A consumer works on its job while the producer (main) waits to put into the full bounded queue.
    check: ({ tasks }) => {
      expect(running(tasks).coro).toBe('consumer');
      expect(main(tasks).waiting_on?.kind).toBe('queue.put');
    },
  },
  '18-threads/threads.py': {
    // Stopped in a worker thread: the to_thread tasks wait on their threads, the loop is free.
    check: ({ tasks, frames }) => {
      expect(frames[0].name).toBe('blocking_read');
      const waits = byCoro(tasks, 'to_thread').map((t) => t.waiting_on);
      expect(waits).toHaveLength(2);
      for (const wait of waits) expect(wait).toMatchObject({ kind: 'thread', thread: expect.stringMatching(/^asyncio_\d+$/) });
      expect(main(tasks).waiting_on?.kind).toBe('gather');
    },
  },
  '19-threadsafe/threadsafe.py': {
    // The coroutine the thread submitted runs as a task on the loop (created by no task); main waits on its queue.
    check: ({ tasks }) => {
      expect(running(tasks)).toMatchObject({ coro: 'greet', parent: null });
      expect(main(tasks).waiting_on?.kind).toBe('queue.get');
    },
  },
  '20-introspection/introspection.py': {
    // all_tasks() and the view agree: main and long live; short finished, doomed was cancelled.
    check: ({ tasks, history }) => {
      expect(tasks.map((t) => t.name).sort()).toEqual(['long', 'main']);
      expect(one(history, (t) => t.name === 'short', 'short').state).toBe('done');
      expect(one(history, (t) => t.name === 'doomed', 'doomed').state).toBe('cancelled');
    },
  },
  '21-task-object/task_object.py': {
    // get_stack() shows only outer's frame; the task's await chain goes down to inner's sleep.
    check: ({ tasks }) => {
      const worker = one(tasks, (t) => t.name === 'worker', 'worker');
      expect(worker.chain.map((f) => f.name).slice(0, 2)).toEqual(['outer', 'inner']);
      expect(worker.waiting_on?.kind).toBe('sleep');
    },
  },
  '22-conclusion/crawler.py': {
    needs: 11,
    // /slow hit its timeout in one worker of the group; the others wait on the queue, main on join().
    check: ({ tasks }) => {
      const timedOut = running(tasks);
      expect(timedOut.coro).toBe('crawl');
      expect(timedOut.cancel?.via).toBe('timeout');
      const idle = byCoro(tasks, 'crawl').filter((t) => t !== timedOut);
      expect(idle.map((t) => [t.group, t.waiting_on?.kind])).toEqual([
        [timedOut.group, 'queue.get'],
        [timedOut.group, 'queue.get'],
      ]);
      expect(main(tasks).waiting_on?.kind).toBe('queue.join');
    },
  },
};
