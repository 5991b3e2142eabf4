import { describe, expect, it } from 'vitest';
import type { TaskInfo } from './agentProtocol';
import { LiveTasks } from './liveTasks';
import { rankTaskThreads, taskIdOfThread, taskThreadId, taskThreadName } from './taskThreads';

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

  it('map ids both ways and name threads by what they wait on', () => {
    expect(taskIdOfThread(taskThreadId(7))).toBe(7);
    expect(taskIdOfThread(1)).toBeUndefined();
    expect(taskThreadName(task(3, { name: 'worker-2', waiting_on: { kind: 'Queue.get', detail: '', tasks: [] } }))).toBe(
      "Task 'worker-2' · awaiting Queue.get",
    );
    expect(taskThreadName(task(3, { name: 'w', state: 'running' }))).toBe("Task 'w' · running");
  });
});
