/** The live task set as the runtime's `tasks/changed` notifications describe it. Pure data. */
import type { TaskInfo, TasksChangedParams } from './agentProtocol';

export class LiveTasks {
  private readonly tasks = new Map<number, TaskInfo>();

  get size(): number {
    return this.tasks.size;
  }

  get(id: number): TaskInfo | undefined {
    return this.tasks.get(id);
  }

  has(id: number): boolean {
    return this.tasks.has(id);
  }

  values(): IterableIterator<TaskInfo> {
    return this.tasks.values();
  }

  clear(): void {
    this.tasks.clear();
  }

  /** Replaces everything with a full list of live tasks. */
  reset(tasks: readonly TaskInfo[]): void {
    this.tasks.clear();
    for (const task of tasks) this.tasks.set(task.id, task);
  }

  /** Applies one change; true when tasks came, went or changed parent (the tree's shape changed). */
  apply(change: TasksChangedParams): boolean {
    let reshaped = change.reset;
    if (change.reset) this.tasks.clear();
    for (const task of change.tasks) {
      const before = this.tasks.get(task.id);
      if (!before || before.parent !== task.parent) reshaped = true;
      this.tasks.set(task.id, task);
    }
    for (const task of change.finished) {
      if (this.tasks.delete(task.id)) reshaped = true;
    }
    return reshaped;
  }
}
