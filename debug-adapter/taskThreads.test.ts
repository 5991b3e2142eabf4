import { describe, expect, it } from 'vitest';
import type { TaskInfo } from './agentProtocol';
import { LiveTasks } from './liveTasks';
import { pythonThreadName, rankTaskThreads, taskIdOfThread, taskThreadId, taskThreadName } from './taskThreads';

function task(id: number, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    id, name: `t${id}`, state: 'pending', parent: null, group: null, coro: 'c', created_at: null,
    chain: [], waiting_on: null, awaited_by: [], exception: null,
    cancel: null, steps: 0, busy_ms: 0, created: null, first_run: null, finished: null, shielded: false, ...extra,
  };
}

describe('task threads', () => {
  it('rank the current task, then its awaiters transitively, then the rest by id, capped', () => {
    const live = new LiveTasks();
    live.reset([task(1), task(2, { awaited_by: [5] }), task(3), task(4), task(5, { awaited_by: [1] }), task(6)]);
    expect(rankTaskThreads(live, 2, 10).map((t) => t.id)).toEqual([2, 5, 1, 3, 4, 6]);
    expect(rankTaskThreads(live, 2, 3).map((t) => t.id)).toEqual([2, 5, 1]);
    expect(rankTaskThreads(live, null, 2).map((t) => t.id)).toEqual([1, 2]);
  });

  it('survive await cycles and unknown ids', () => {
    const live = new LiveTasks();
    live.reset([task(1, { awaited_by: [2] }), task(2, { awaited_by: [1, 99] })]);
    expect(rankTaskThreads(live, 1, 50).map((t) => t.id)).toEqual([1, 2]);
    expect(rankTaskThreads(live, 42, 50).map((t) => t.id)).toEqual([1, 2]);
  });

  it('list at most the cap out of 10 000 tasks, the current one first', () => {
    const live = new LiveTasks();
    live.reset(Array.from({ length: 10_000 }, (_, i) => task(i + 1)));
    const listed = rankTaskThreads(live, 5000, 50);
    expect(listed).toHaveLength(50);
    expect(listed[0].id).toBe(5000);
  });

  it('leave out the tasks a stopped thread runs (the Call Stack lists each task once), and keep ranking their awaiters', () => {
    const live = new LiveTasks();
    live.reset([task(1), task(2, { awaited_by: [5] }), task(3), task(5, { awaited_by: [1] })]);
    expect(rankTaskThreads(live, 2, 10, new Set([2])).map((t) => t.id)).toEqual([5, 1, 3]);
    expect(pythonThreadName({ id: 1, name: 'MainThread', taskId: 2, taskName: 't2' })).toBe("MainThread · Task 't2'");
    expect(pythonThreadName({ id: 2, name: 'asyncio_0' })).toBe('asyncio_0');
  });

  it('map ids both ways and name threads by what they wait on, in the words of the Async Tasks view', () => {
    expect(taskIdOfThread(taskThreadId(7))).toBe(7);
    expect(taskIdOfThread(1)).toBeUndefined();
    const names: Record<number, string> = { 4: 'cycle-b' };
    const nameOf = (id: number) => names[id];
    expect(taskThreadName(task(3, { name: 'worker-2', waiting_on: { kind: 'queue.get', detail: '0/10', tasks: [] } }))).toBe(
      "Task 'worker-2' · Queue.get (0/10)",
    );
    expect(taskThreadName(task(3, { name: 'cycle-a', waiting_on: { kind: 'task', detail: "'cycle-b'", tasks: [4] } }), nameOf)).toBe(
      "Task 'cycle-a' · task 'cycle-b'",
    );
    const sleeping = task(3, { name: 's', waiting_on: { kind: 'sleep', detail: '', tasks: [], deadline: 160 } });
    expect(taskThreadName(sleeping, nameOf, 100)).toBe("Task 's' · sleep, 1 min 0 s left");
    expect(taskThreadName(sleeping, nameOf, 147)).toBe("Task 's' · sleep, 13 s left");
    expect(taskThreadName(task(3, { name: 'w', state: 'running' }))).toBe("Task 'w' · running");
  });
});
