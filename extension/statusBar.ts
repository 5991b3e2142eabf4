import * as vscode from 'vscode';
import { Views } from './ids';
import { TasksViewProvider } from './tasksView';

/** "N tasks" in the status bar while an Asyncio Lens session runs; a click reveals the Async Tasks view. */
export function createTasksStatusBar(tasks: TasksViewProvider): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('asyncioLens.tasks', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Asyncio Lens Tasks';
  item.command = `${Views.tasks}.focus`;
  const update = () => {
    const count = tasks.liveCount();
    if (count === undefined) {
      item.hide();
      return;
    }
    item.text = `$(list-tree) ${count} ${count === 1 ? 'task' : 'tasks'}`;
    item.tooltip = 'Live asyncio tasks of the debugged program. Click to show them.';
    item.show();
  };
  const subscription = tasks.onDidChange(update);
  update();
  return vscode.Disposable.from(item, subscription);
}
