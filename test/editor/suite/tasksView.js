// The Async Tasks view in a real VS Code: the tree a fixture shows, a chain frame that opens its line, Cancel from
// the context menu, the status bar's blocked-loop warning, F5 without launch.json, and paused hints + Show in Call
// Stack. Called from index.js with the suite's test() and folder().
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { until, ui } = require('./ui');
const { DEBUG_TYPE } = require('./lens');

const S = 1000;
const { TASK_THREAD_BASE, ROWS, STATUS, outline, strip, startDebugging, stop, showView } = require('./session');

const hasFixture = (l) => ['fetch-1', 'fetch-2', 'fetch-3'].every((n) => l.includes(n)) && l.includes('main');

exports.tasksViewTests = async function tasksViewTests(test, folder) {
  await test('Async Tasks: the fixture shows main > TaskGroup > its tasks, with words and icons', async () => {
    const { session, view, tasks } = await startDebugging(folder, "tasks_fixture.py", hasFixture);
    try {
      const lines = outline(view);
      console.log(`    tree: ${JSON.stringify(lines)}`);
      assert.deepStrictEqual(strip(lines).filter((l) => !/^(Finished|Warnings)/.test(l.trim())),
        ['main', '  TaskGroup', '    stop-watcher', '    fetch-1', '    fetch-2', '    fetch-3']);
      assert.match(lines.find((l) => l.includes('fetch-1')), /Event\.wait/);
      assert.match(lines.find((l) => l.includes('TaskGroup')), /4 tasks/);
      await showView();
      await ui({ op: 'waitText', selector: ROWS, text: 'fetch-3', timeoutMs: 20 * S });
      const rows = (await ui({ op: 'texts', selector: ROWS })).texts;
      assert.ok(rows.some((r) => r.includes('TaskGroup')), `no TaskGroup row: ${JSON.stringify(rows)}`);
      await ui({ op: 'screenshot', name: 'tasks-view-tree' });
      // the view's title counts the live tasks (not a badge: VS Code adds a view's badge to its container's, and Run
      // and Debug's counts the debug sessions)
      await until(tasks.onDidChange, () => view.view.description === `${view.liveCount()} tasks`, 10 * S,
        'the Async Tasks title to show the live task count', () => `description ${JSON.stringify(view.view.description)}, live ${view.liveCount()}`);
      assert.strictEqual(view.view.badge, undefined);
      // each row's description ends with its age
      for (const line of lines.filter((l) => /fetch-|stop-watcher/.test(l))) assert.match(line, /· \d+(\.\d)? s$/, `no age on ${line}`);
      // the arrangement toggle, from the view's title bar
      await vscode.commands.executeCommand('asyncioLens.arrangeByAwaitedBy');
      const awaited = strip(outline(view));
      console.log(`    awaited by: ${JSON.stringify(awaited)}`);
      assert.ok(awaited[0] === 'main' && awaited.includes('  fetch-1'), `arranged by awaited-by: ${JSON.stringify(awaited)}`);
      await ui({ op: 'screenshot', name: 'tasks-view-awaited-by' });
      await vscode.commands.executeCommand('asyncioLens.arrangeByStructure');
    } finally {
      await stop(session);
    }
  });

  await test('Async Tasks: clicking an await-chain frame opens the file at the line', async () => {
    const { session, view, tasks } = await startDebugging(folder, "tasks_fixture.py", hasFixture);
    try {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await showView();
      await ui({ op: 'waitText', selector: ROWS, text: 'fetch-1', timeoutMs: 20 * S });
      await ui({ op: 'click', selector: `${ROWS} .label-name`, text: 'fetch-1' }); // expands the row
      await ui({ op: 'waitText', selector: ROWS, text: 'tasks_fixture.py:28', timeoutMs: 10 * S });
      await ui({ op: 'screenshot', name: 'tasks-view-chain' });
      // the editor opens, then its selection moves to the line: wait on either event
      const either = (listener) => {
        const a = vscode.window.onDidChangeActiveTextEditor(listener);
        const b = vscode.window.onDidChangeTextEditorSelection(listener);
        return { dispose: () => { a.dispose(); b.dispose(); } };
      };
      const opened = until(either, () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.fsPath.endsWith('tasks_fixture.py') && e.selection.active.line === 27;
      }, 15 * S, 'tasks_fixture.py to open at line 28', () => {
        const e = vscode.window.activeTextEditor;
        return e ? `${e.document.uri.fsPath}:${e.selection.active.line + 1}` : 'no editor';
      });
      await ui({ op: 'click', selector: ROWS, text: 'tasks_fixture.py:28' });
      await opened;
      void view;
    } finally {
      await stop(session);
    }
  });

  await test('Async Tasks: Cancel Task from the context menu cancels the task in the program', async () => {
    const said = [];
    const reg = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, { createDebugAdapterTracker: () => ({
      onDidSendMessage(m) { if (m.type === 'response' && m.command === 'asyncioLens/cancelTask') said.push(`${m.success ? 'ok' : 'failed'} ${m.message || ''} ${JSON.stringify(m.body || {})}`); },
    }) });
    const { session, tasks, view } = await startDebugging(folder, 'tasks_fixture.py', hasFixture);
    try {
      await showView();
      await ui({ op: 'waitText', selector: ROWS, text: 'fetch-2', timeoutMs: 20 * S });
      await ui({ op: 'click', selector: `${ROWS} .label-name`, text: 'fetch-2' });
      await ui({ op: 'press', key: 'Shift+F10' });
      await ui({ op: 'waitText', selector: '.monaco-menu .action-label', text: 'Cancel Task', timeoutMs: 10 * S });
      await ui({ op: 'screenshot', name: 'tasks-view-context-menu' });
      await ui({ op: 'click', selector: '.monaco-menu .action-label', text: 'Cancel Task' });
      const { text: prompt } = await ui({ op: 'waitText', selector: '.quick-input-widget', text: 'CancelledError', timeoutMs: 10 * S });
      // (issue 13, item 9) VS Code adds "Press 'Enter' to confirm or 'Escape' to cancel"; the prompt says nothing else
      // about keys, so nothing contradicts it
      assert.strictEqual((prompt.match(/Enter/g) || []).length, 1, `the cancel prompt says how to use Enter more than once: ${prompt}`);
      assert.ok(!/Escape to leave/.test(prompt), `the cancel prompt: ${prompt}`);
      await ui({ op: 'screenshot', name: 'cancel-prompt' });
      for (const key of ['b', 'y', 'e']) await ui({ op: 'press', key });
      await ui({ op: 'press', key: 'Enter' });
      const model = () => tasks.view.activeEntry() && tasks.view.activeEntry().model;
      await until(tasks.onDidChange, () => {
        const t = model() && model().lookup(model().finished.map((x) => x.id).find((id) => model().lookup(id).name === 'fetch-2') ?? -1);
        return t && t.state === 'cancelled';
      }, 15 * S, 'fetch-2 to end cancelled in the program', () => `labels ${JSON.stringify(tasks.labels())}; adapter said ${JSON.stringify(said)}`);
      await ui({ op: 'screenshot', name: 'tasks-view-cancelled' });
      void view;
    } finally {
      reg.dispose();
      if (vscode.debug.activeDebugSession) await stop(session);
    }
  });

  await test('Async Tasks: a blocked event loop turns the status bar to a warning', async () => {
    const { session } = await startDebugging(folder, 'blocked_fixture.py', (l) => l.includes('hog') && l.includes('ticker'));
    try {
      await ui({ op: 'waitText', selector: STATUS, text: 'tasks', timeoutMs: 10 * S });
      await ui({ op: 'waitText', selector: STATUS, text: 'loop blocked', timeoutMs: 15 * S });
      await ui({ op: 'screenshot', name: 'status-bar-blocked' });
    } finally {
      await stop(session);
    }
  });

  await test('Async Tasks: F5 on a Python file with no launch.json debugs it', async () => {
    assert.ok(!fs.existsSync(path.join(folder().uri.fsPath, '.vscode', 'launch.json')), 'the test workspace must have no launch.json');
    const { session } = await startDebugging(folder, 'tasks_fixture.py', hasFixture, 'F5');
    try {
      assert.strictEqual(session.configuration.type, DEBUG_TYPE);
      assert.match(session.configuration.program, /tasks_fixture\.py$/);
      await ui({ op: 'waitText', selector: STATUS, text: 'tasks', timeoutMs: 10 * S });
      await ui({ op: 'screenshot', name: 'f5-no-launch-json' });
    } finally {
      await stop(session);
    }
  });

  await test('Async Tasks: paused, the editor shows where tasks wait and Show in Call Stack selects the task', async () => {
    const { session, tasks, view } = await startDebugging(folder, 'tasks_fixture.py', hasFixture);
    try {
      await vscode.commands.executeCommand('workbench.action.debug.pause');
      await until(view.onDidChangePaused, () => view.isPaused(), 15 * S, 'the program to pause');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, 'tasks_fixture.py'));
      await vscode.window.showTextDocument(doc);
      await showView();
      await ui({ op: 'screenshot', name: 'paused-hints' });
      const node = view.getChildren().map((n) => n).find((n) => n.kind === 'task');
      const fetch = view.activeEntry().model.taskNode([...view.activeEntry().model.liveTasks()].find((t) => t.name === 'fetch-3').id);
      void node;
      await vscode.commands.executeCommand('asyncioLens.showInCallStack', fetch);
      const want = TASK_THREAD_BASE + fetch.id;
      await until(vscode.debug.onDidChangeActiveStackItem, () => {
        const item = vscode.debug.activeStackItem;
        return item && item.threadId === want;
      }, 15 * S, `the Call Stack to select thread ${want} (fetch-3)`, () => JSON.stringify(vscode.debug.activeStackItem));
      await ui({ op: 'screenshot', name: 'show-in-call-stack' });
      void tasks;
    } finally {
      await stop(session);
    }
  });
};
