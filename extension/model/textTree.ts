/** Renders the task tree as indented text, like `pstree`: for terminals and exports. */
import { describeTask, TaskTreeModel } from './taskTree';

export function renderTaskTree(model: TaskTreeModel): string {
  const lines: string[] = [];
  const walk = (parent: number | undefined, prefix: string) => {
    const children = model.children(parent);
    children.forEach((task, i) => {
      const last = i === children.length - 1;
      const branch = parent === undefined ? '' : last ? '└─ ' : '├─ ';
      lines.push(`${prefix}${branch}${task.name} (${task.coro}) ${describeTask(task)}`);
      walk(task.id, parent === undefined ? prefix : prefix + (last ? '   ' : '│  '));
    });
  };
  walk(undefined, '');
  return lines.length ? lines.join('\n') : '(no live tasks)';
}
