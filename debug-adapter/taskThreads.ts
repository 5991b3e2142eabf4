/**
 * Asyncio tasks as extra DAP threads: which ones to list (capped and ranked, so 10 000 tasks
 * do not drown the Call Stack) and what to call them. Pure logic.
 */
import type { TaskInfo } from './agentProtocol';
import { LiveTasks } from './liveTasks';

/** Task threads get ids above every Python thread id the runtime hands out. */
export const TASK_THREAD_BASE = 1_000_000;

export function taskThreadId(taskId: number): number {
  return TASK_THREAD_BASE + taskId;
}

export function taskIdOfThread(threadId: number): number | undefined {
  return threadId > TASK_THREAD_BASE ? threadId - TASK_THREAD_BASE : undefined;
}

/** What a task waits on, in words, e.g. "awaiting Queue.get" or "sleep 1.4 s left". */
export function waitingWords(task: TaskInfo): string {
  if (task.state === 'running') return 'running';
  const wait = task.waiting_on;
  if (!wait) return task.state;
  if (wait.kind === 'runnable') return 'ready to run';
  return wait.detail ? `awaiting ${wait.kind} ${wait.detail}` : `awaiting ${wait.kind}`;
}

export function taskThreadName(task: TaskInfo): string {
  return `Task '${task.name}' · ${waitingWords(task)}`;
}

/**
 * The tasks to list: the current task first, then the tasks awaiting it (transitively), then
 * the others in creation order, at most `cap` in all.
 */
export function rankTaskThreads(tasks: LiveTasks, currentTaskId: number | null | undefined, cap: number): TaskInfo[] {
  const ranked: TaskInfo[] = [];
  const seen = new Set<number>();
  const take = (task: TaskInfo | undefined) => {
    if (!task || seen.has(task.id) || ranked.length >= cap) return;
    seen.add(task.id);
    ranked.push(task);
  };
  if (currentTaskId != null) {
    const queue = [currentTaskId];
    while (queue.length && ranked.length < cap) {
      const task = tasks.get(queue.shift()!);
      if (!task || seen.has(task.id)) continue;
      take(task);
      queue.push(...task.awaited_by);
    }
  }
  if (ranked.length < cap) {
    const rest = [...tasks.values()].filter((t) => !seen.has(t.id)).sort((a, b) => a.id - b.id);
    for (const task of rest) take(task);
  }
  return ranked;
}
