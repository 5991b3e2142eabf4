/** Renders the task tree as indented text, like `pstree`: for terminals and exports. */
import { TaskTreeModel } from './taskTree';
import { basename, describeTask, whereSuspended } from './words';

export function renderTaskTree(model: TaskTreeModel, now?: number): string {
  const lines: string[] = [];
  const walk = (parent: number | undefined, prefix: string) => {
    const children = model.children(parent);
    children.forEach((task, i) => {
      const last = i === children.length - 1;
      const branch = parent === undefined ? '' : last ? '└─ ' : '├─ ';
      const where = whereSuspended(task);
      const words = [describeTask(task, model.nameOf, now), where ? `${basename(where.file)}:${where.line}` : '']
        .filter(Boolean)
        .join(' · ');
      lines.push(`${prefix}${branch}${task.name} (${task.coro})${words ? ` ${words}` : ''}`);
      walk(task.id, parent === undefined ? prefix : prefix + (last ? '   ' : '│  '));
    });
  };
  walk(undefined, '');
  return lines.length ? lines.join('\n') : '(no live tasks)';
}
