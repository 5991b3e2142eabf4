/**
 * The Async Tasks tree as plain data: applies snapshots and throttled changes from the
 * runtime and answers "what are the children of this row". Imports nothing from `vscode`.
 */
import type { ChainFrame, TaskInfo, TasksChangedParams } from '../../debug-adapter/agentProtocol';
import { LiveTasks } from '../../debug-adapter/liveTasks';

/** Frames of asyncio itself, which say nothing about where the user's code waits. */
const ASYNCIO_FRAME = /[\\/][Ll]ib[\\/](?:python3\.\d+[\\/])?asyncio[\\/]/;

export class TaskTreeModel {
  private readonly tasks = new LiveTasks();
  private readonly childrenOf = new Map<number | null, number[]>();
  private structureDirty = true;

  get size(): number {
    return this.tasks.size;
  }

  clear(): void {
    this.tasks.clear();
    this.structureDirty = true;
  }

  /** Replaces everything with a full list of live tasks. */
  reset(tasks: readonly TaskInfo[]): void {
    this.tasks.reset(tasks);
    this.structureDirty = true;
  }

  apply(change: TasksChangedParams): void {
    if (this.tasks.apply(change)) this.structureDirty = true;
  }

  get(id: number): TaskInfo | undefined {
    return this.tasks.get(id);
  }

  /** Top-level rows for `undefined`; a task whose parent is gone is shown at the top. */
  children(parent: number | undefined): TaskInfo[] {
    if (this.structureDirty) this.rebuildStructure();
    const ids = this.childrenOf.get(parent ?? null) ?? [];
    return ids.map((id) => this.tasks.get(id)!);
  }

  hasChildren(id: number): boolean {
    return this.children(id).length > 0;
  }

  /** Names of all live tasks in tree order (depth first). */
  labels(): string[] {
    const out: string[] = [];
    const walk = (parent: number | undefined) => {
      for (const task of this.children(parent)) {
        out.push(task.name);
        walk(task.id);
      }
    };
    walk(undefined);
    return out;
  }

  private rebuildStructure(): void {
    this.childrenOf.clear();
    for (const task of this.tasks.values()) {
      const parent = task.parent !== null && this.tasks.has(task.parent) ? task.parent : null;
      const list = this.childrenOf.get(parent);
      if (list) list.push(task.id);
      else this.childrenOf.set(parent, [task.id]);
    }
    for (const list of this.childrenOf.values()) list.sort((a, b) => a - b);
    this.structureDirty = false;
  }
}

/** The innermost frame of the user's own code in a suspended task's await chain. */
export function whereSuspended(task: TaskInfo): ChainFrame | undefined {
  for (let i = task.chain.length - 1; i >= 0; i--) {
    if (!ASYNCIO_FRAME.test(task.chain[i].file)) return task.chain[i];
  }
  return task.chain[task.chain.length - 1];
}

export function basename(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return file.slice(cut + 1);
}

/** The short text beside a task's name: its state and where it is suspended. */
export function describeTask(task: TaskInfo): string {
  const parts: string[] = [task.state === 'pending' ? 'waiting' : task.state];
  if (task.waiting_on && task.waiting_on.kind !== 'runnable') {
    parts.push(task.waiting_on.detail ? `${task.waiting_on.kind} ${task.waiting_on.detail}` : task.waiting_on.kind);
  }
  const where = whereSuspended(task);
  if (where) parts.push(`${basename(where.file)}:${where.line}`);
  return parts.join(' · ');
}

/** Markdown details for a task's tooltip. */
export function taskTooltip(task: TaskInfo): string {
  const lines = [`**${escapeMarkdown(task.name)}** — \`${task.coro}\` (${task.state})`];
  if (task.created_at) lines.push(`Created at ${basename(task.created_at.file)}:${task.created_at.line}`);
  if (task.exception) lines.push(`Exception: \`${task.exception}\``);
  if (task.chain.length) {
    lines.push('', 'Await chain:');
    for (const frame of task.chain) lines.push(`- \`${frame.name}\` ${basename(frame.file)}:${frame.line}`);
  }
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
