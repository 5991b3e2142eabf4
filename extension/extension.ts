import * as vscode from 'vscode';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { AsyncioLensConfigurationProvider, currentFileConfiguration } from './debugConfiguration';
import { FocusableInlineAdapterFactory } from './focusTaskAdapter';
import { Commands, DEBUG_TYPE, Views, WALKTHROUGH_ID } from './ids';
import { walkthroughTarget } from './model/walkthroughTarget';
import { startLanguageClient } from './languageClient';
import { SnippetRunner } from './snippets';
import { createPausedHints } from './pausedHints';
import { readConfig } from './settings';
import { createTasksStatusBar } from './statusBar';
import { pickPythonProcess } from './processPicker';
import { registerTaskCommands } from './taskCommands';
import { TasksViewProvider } from './tasksView';
import { runPythonInTerminal } from './terminal';

/** What `activate` returns: a small API the editor tests read. */
export interface AsyncioLensApi {
  tasks: { labels(): string[]; onDidChange: vscode.Event<void>; view: TasksViewProvider; activationMs: number };
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
  // The pure modules (extension/model) speak through @vscode/l10n: give them VS Code's bundle.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const tasks = new TasksViewProvider(log, () => readConfig().tasksUpdateIntervalMs, context.workspaceState);
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
    createPausedHints(tasks),
    ...registerTaskCommands(command, tasks, view),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new AsyncioLensConfigurationProvider(log)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new FocusableInlineAdapterFactory(runtimeDir)),
    revealTasksOnStart(),
    command(Commands.debugCurrentFile, () => debugCurrentFile()),
    command(Commands.runCurrentFile, () => runPythonInTerminal(activePythonFile(), 'Asyncio Lens: Run', log)),
    command(Commands.refreshTasks, () => tasks.refresh()),
    command(Commands.openWalkthrough, (step?: unknown) => openCourse(context, step)),
    command(Commands.openSnippet, (id: string) => snippets.open(id)),
    command(Commands.runSnippet, (id: string) => snippets.run(id)),
    command(Commands.debugSnippet, (id: string) => snippets.debug(id)),
    command(Commands.pickProcess, () => pickPythonProcess()),
  );
  context.subscriptions.push(startLanguageClient(context, log));
  log.info(`Activated in ${Date.now() - started} ms`);
  return { tasks: { labels: () => tasks.labels(), onDidChange: tasks.onDidChange, view: tasks, activationMs: Date.now() - started } };
}

/** Opens the course, at `step` (a step id of package.json's walkthrough, as hover links pass it) when given. */
async function openCourse(context: vscode.ExtensionContext, step?: unknown): Promise<void> {
  const target = walkthroughTarget(context.extension.id, WALKTHROUGH_ID, step);
  // A Welcome page built before extension walkthroughs are registered falls back to VS Code's
  // own first walkthrough; asking a second time selects ours on the page that is now open.
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', target, false);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', target, false);
}

function activePythonFile(): vscode.Uri {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'python') throw new Error('Open a Python file first.');
  return document.uri;
}

async function debugCurrentFile(): Promise<boolean> {
  const file = activePythonFile();
  return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), currentFileConfiguration(file.fsPath));
}

/**
 * Brings the Async Tasks view into view once as each Asyncio Lens session starts (F5 included), unless
 * `asyncioLens.revealTasksView` is off: it opens Run and Debug and expands the view, and leaves the
 * keyboard focus where it was.
 */
function revealTasksOnStart(): vscode.Disposable {
  return vscode.debug.onDidStartDebugSession((session) => {
    if (session.type !== DEBUG_TYPE || session.parentSession || !readConfig().revealTasksView) return;
    void vscode.commands.executeCommand(`${Views.tasks}.focus`, { preserveFocus: true });
  });
}


export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
