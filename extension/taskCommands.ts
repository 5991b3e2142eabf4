/** The Async Tasks view's commands: cancel, navigate, copy, Call Stack, export, arrangement. */
import * as vscode from 'vscode';
import type { Snapshot } from '../debug-adapter/agentProtocol';
import { CustomRequests } from '../debug-adapter/customProtocol';
import { taskThreadName } from '../debug-adapter/taskThreads';
import { FOCUS_TASK_REQUEST } from './focusTaskAdapter';
import { Commands } from './ids';
import type { TreeNode } from './model/taskTree';
import { renderTaskTree } from './model/textTree';
import { chainText, whereSuspended } from './model/words';
import { TasksViewProvider } from './tasksView';

const l10n = vscode.l10n;

type Register = (id: string, fn: (...args: never[]) => unknown) => vscode.Disposable;

export function registerTaskCommands(command: Register, tasks: TasksViewProvider, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  /** The task of the clicked row, else of the selected one. */
  const target = (node?: TreeNode) => {
    const task = tasks.taskOf(node ?? view.selection[0]);
    if (!task) throw new Error(l10n.t('Select a task in the Async Tasks view first.'));
    return task;
  };
  const session = () => {
    const entry = tasks.activeEntry();
    if (!entry) throw new Error(l10n.t('No Asyncio Lens debug session is running.'));
    return entry.session;
  };
  const open = async (file: string, line: number) => {
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
  };

  return [
    command(Commands.cancelTask, async (node?: TreeNode) => {
      const task = target(node);
      const message = await vscode.window.showInputBox({
        title: l10n.t("Cancel task '{0}'", task.name),
        // VS Code adds "Press 'Enter' to confirm or 'Escape' to cancel" itself: say nothing more about keys.
        prompt: l10n.t('Message for the CancelledError (optional)'),
        placeHolder: l10n.t('no message'),
      });
      if (message === undefined) return false;
      const result = (await session().customRequest(CustomRequests.cancelTask, { id: task.id, ...(message ? { message } : {}) })) as { cancelled?: boolean } | undefined;
      if (result && result.cancelled === false) {
        void vscode.window.showWarningMessage(l10n.t("Task '{0}' was not cancelled: it has already finished.", task.name));
        return false;
      }
      return true;
    }),
    command(Commands.goToCreationSite, async (node?: TreeNode) => {
      const task = target(node);
      if (!task.created_at) throw new Error(l10n.t("The runtime did not record where task '{0}' was created.", task.name));
      await open(task.created_at.file, task.created_at.line);
    }),
    command(Commands.goToWaitSite, async (node?: TreeNode) => {
      const task = target(node);
      const where = whereSuspended(task);
      if (!where) throw new Error(l10n.t("Task '{0}' is not suspended at an await.", task.name));
      await open(where.file, where.line);
    }),
    command(Commands.copyAwaitChain, async (node?: TreeNode) => {
      const text = chainText(target(node));
      await vscode.env.clipboard.writeText(text);
      return text;
    }),
    command(Commands.showInCallStack, async (node?: TreeNode) => {
      const task = target(node);
      const s = session();
      if (!tasks.isPaused()) {
        const pause = l10n.t('Pause');
        const choice = await vscode.window.showInformationMessage(
          l10n.t("The Call Stack shows task '{0}' as a thread while the program is paused.", task.name), pause);
        if (choice !== pause) return false;
        await vscode.commands.executeCommand('workbench.action.debug.pause');
        await new Promise<void>((resolve) => {
          const sub = tasks.onDidChangePaused(() => { if (tasks.isPaused()) { sub.dispose(); resolve(); } });
          setTimeout(() => { sub.dispose(); resolve(); }, 5000);
        });
      }
      await s.customRequest(FOCUS_TASK_REQUEST, { id: task.id, name: taskThreadName(task, tasks.activeEntry()?.model.nameOf, tasks.now()) });
      await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView');
      return true;
    }),
    command(Commands.exportSnapshot, async () => {
      const entry = tasks.activeEntry();
      if (!entry) throw new Error(l10n.t('No Asyncio Lens debug session is running.'));
      const json = { label: l10n.t('JSON snapshot'), detail: l10n.t('Save the runtime snapshot (tasks, history, cycles, warnings) to a file'), format: 'json' };
      const text = { label: l10n.t('Text tree'), detail: l10n.t('Open the task tree as text in a new editor'), format: 'text' };
      const pick = await vscode.window.showQuickPick([json, text], { title: l10n.t('Export the asyncio task snapshot') });
      if (!pick) return undefined;
      if (pick.format === 'text') {
        const doc = await vscode.workspace.openTextDocument({ content: `${renderTaskTree(entry.model, tasks.now(entry))}\n`, language: 'plaintext' });
        await vscode.window.showTextDocument(doc);
        return doc.uri.toString();
      }
      let snapshot: unknown;
      try {
        snapshot = (await entry.session.customRequest(CustomRequests.tasks)) as Snapshot;
      } catch {
        snapshot = { time: Date.now() / 1000, tasks: [...entry.model.liveTasks()], history: entry.model.finished };
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, 'asyncio-tasks.json') : undefined,
        filters: { JSON: ['json'] },
        title: l10n.t('Save the asyncio task snapshot'),
      });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify(snapshot, null, 2)}\n`));
      return uri.toString();
    }),
    command(Commands.arrangeByAwaitedBy, () => tasks.setArrangement('awaitedBy')),
    command(Commands.arrangeByStructure, () => tasks.setArrangement('structure')),
    command(Commands.hideFinished, () => tasks.setHideFinished(true)),
    command(Commands.showFinished, () => tasks.setHideFinished(false)),
  ];
}
