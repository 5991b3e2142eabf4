/**
 * Asyncio tasks as extra DAP threads: which ones to list (capped and ranked, so 10 000 tasks
 * do not drown the Call Stack) and what to call them. Pure logic.
 */
import type { TaskInfo, ThreadInfo } from './agentProtocol';
import { LiveTasks } from './liveTasks';
import { NameOf, waitWords } from './waitWords';

/** Task threads get ids above every Python thread id the runtime hands out. */
export const TASK_THREAD_BASE = 1_000_000;

export function taskThreadId(taskId: number): number {
  return TASK_THREAD_BASE + taskId;
}

export function taskIdOfThread(threadId: number): number | undefined {
  return threadId > TASK_THREAD_BASE ? threadId - TASK_THREAD_BASE : undefined;
}

/**
 * A task thread's name: "Task 'fetch-1' · Queue.get (0/10)", in the words of the Async Tasks view
 * (`waitWords`), at `now` (epoch seconds; the moment the program stopped, while it is stopped).
 */
export function taskThreadName(task: TaskInfo, nameOf: NameOf = () => undefined, now?: number): string {
  return `Task '${task.name}' · ${waitWords(task, nameOf, now) || task.state}`;
}

/** A Python thread's name; one stopped inside a task says which: "MainThread · Task 'fetch-1'". */
export function pythonThreadName(thread: ThreadInfo): string {
  return thread.taskName === undefined ? thread.name : `${thread.name} · Task '${thread.taskName}'`;
}

/**
 * The tasks to list: those awaiting the current task (transitively) first, then the others in
 * creation order, at most `cap` in all. Tasks in `onThreads` run on a stopped thread, which the
 * Call Stack lists already as that thread: they are left out (the current task is one of them).
 */
export function rankTaskThreads(
  tasks: LiveTasks,
  currentTaskId: number | null | undefined,
  cap: number,
  onThreads: ReadonlySet<number> = new Set(),
): TaskInfo[] {
  const ranked: TaskInfo[] = [];
  const seen = new Set<number>(onThreads);
  const take = (task: TaskInfo | undefined) => {
    if (!task || seen.has(task.id) || ranked.length >= cap) return;
    seen.add(task.id);
    ranked.push(task);
  };
  if (currentTaskId != null) {
    const visited = new Set<number>();
    const queue = [currentTaskId];
    while (queue.length && ranked.length < cap) {
      const id = queue.shift()!;
      const task = tasks.get(id);
      if (!task || visited.has(id)) continue;
      visited.add(id);
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
