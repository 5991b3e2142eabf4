// Debug sessions and the Async Tasks view as the editor tests drive them: start a fixture (by command or F5),
// stop it, give the view the side bar, and read the view's tree through its TreeDataProvider.
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const { once, until, ui } = require('./ui');
const { DEBUG_TYPE, lens } = require('./lens');

const S = 1000;
const TASK_THREAD_BASE = 1_000_000;
const PANE = '.pane:has(.pane-header:has-text("Async Tasks"))';
const ROWS = `${PANE} .monaco-list-row`;
const STATUS = '.part.statusbar .statusbar-item';

/** The view's tree as indented labels (no frames), read through the TreeDataProvider. */
function outline(view, node, depth = 0, out = []) {
  for (const child of view.getChildren(node)) {
    if (child.kind === 'frame') continue;
    const item = view.getTreeItem(child);
    out.push(`${'  '.repeat(depth)}${typeof item.label === 'string' ? item.label : item.label.label}${item.description ? ` — ${item.description}` : ''}`);
    if (child.kind !== 'section' && child.kind !== 'chunk') outline(view, child, depth + 1, out);
  }
  return out;
}

const strip = (lines) => lines.map((l) => l.replace(/ — .*$/, ''));

async function startDebugging(folder, file, want, how = 'command') {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, file));
  await vscode.window.showTextDocument(doc);
  const tasks = await lens();
  const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S, `a ${DEBUG_TYPE} session for ${file} (${how})`);
  if (how === 'F5') {
    await ui({ op: 'click', selector: '.editor-instance .view-lines' });
    await ui({ op: 'press', key: 'F5' });
  } else {
    const ok = await vscode.commands.executeCommand('asyncioLens.debugCurrentFile');
    assert.strictEqual(ok, true, `asyncioLens.debugCurrentFile returned ${ok}`);
  }
  const session = await started;
  await until(tasks.onDidChange, () => want(tasks.labels()), 30 * S, `the Async Tasks view to show the tasks of ${file}`,
    () => JSON.stringify(tasks.labels()));
  return { session, tasks, view: tasks.view };
}

async function stop(session) {
  const ended = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 30 * S, `"${session.name}" to end`);
  await vscode.debug.stopDebugging(session);
  await ended;
}

async function showView() {
  await vscode.commands.executeCommand('workbench.view.debug');
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
  // (a tooltip left by the keyboard focus of an earlier step, e.g. on Start Debugging, can cover the headers)
  await ui({ op: 'press', key: 'Escape' });
  await ui({ op: 'clickAll', selector: '.part.sidebar .pane-header[aria-expanded="true"]:visible:not(:has-text("Async Tasks"))' });
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
  await ui({ op: 'resizeSidebar', width: 620 });
}

module.exports = { TASK_THREAD_BASE, PANE, ROWS, STATUS, outline, strip, startDebugging, stop, showView };
