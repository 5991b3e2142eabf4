import * as vscode from 'vscode';
import { join } from 'node:path';
import { AsyncioLensConfigurationProvider, currentFileConfiguration, InlineAdapterFactory } from './debugConfiguration';
import { Commands, DEBUG_TYPE, Views, WALKTHROUGH_ID } from './ids';
import { startLanguageClient } from './languageClient';
import { SnippetRunner } from './snippets';
import { createTasksStatusBar } from './statusBar';
import { TasksViewProvider } from './tasksView';
import { runPythonInTerminal } from './terminal';

/** What `activate` returns: a small API the editor tests read. */
export interface AsyncioLensApi {
  tasks: { labels(): string[]; onDidChange: vscode.Event<void> };
}

export function activate(context: vscode.ExtensionContext): AsyncioLensApi {
  const log = vscode.window.createOutputChannel('Asyncio Lens', { log: true });
  context.subscriptions.push(log);
  try {
    return activateWith(context, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Asyncio Lens could not start: ${message}`);
    throw err;
  }
}

function activateWith(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): AsyncioLensApi {
  const started = Date.now();
  const runtimeDir = join(context.extensionPath, 'dist', 'runtime');
  const tasks = new TasksViewProvider(log);
  const view = vscode.window.createTreeView(Views.tasks, { treeDataProvider: tasks, showCollapseAll: true });
  tasks.attach(view);
  const snippets = new SnippetRunner(context, log);

  const command = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    });

  context.subscriptions.push(
    tasks,
    view,
    createTasksStatusBar(tasks),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new AsyncioLensConfigurationProvider(log)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new InlineAdapterFactory(runtimeDir)),
    command(Commands.debugCurrentFile, () => debugCurrentFile()),
    command(Commands.runCurrentFile, () => runPythonInTerminal(activePythonFile(), 'Asyncio Lens: Run', log)),
    command(Commands.refreshTasks, () => tasks.refresh()),
    command(Commands.openWalkthrough, () => openCourse(context)),
    command(Commands.openSnippet, (id: string) => snippets.open(id)),
    command(Commands.runSnippet, (id: string) => snippets.run(id)),
    command(Commands.debugSnippet, (id: string) => snippets.debug(id)),
  );
  context.subscriptions.push(startLanguageClient(context, log));
  log.info(`Activated in ${Date.now() - started} ms`);
  return { tasks: { labels: () => tasks.labels(), onDidChange: tasks.onDidChange } };
}

async function openCourse(context: vscode.ExtensionContext): Promise<void> {
  const id = `${context.extension.id}#${WALKTHROUGH_ID}`;
  // A Welcome page built before extension walkthroughs are registered falls back to VS Code's
  // own first walkthrough; asking a second time selects ours on the page that is now open.
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
}

function activePythonFile(): vscode.Uri {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'python') throw new Error('Open a Python file first.');
  return document.uri;
}

async function debugCurrentFile(): Promise<boolean> {
  const file = activePythonFile();
  const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), currentFileConfiguration(file.fsPath));
  if (started) await vscode.commands.executeCommand(`${Views.tasks}.focus`);
  return started;
}


export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
