// CPython 3.14 in a real VS Code: a debug session of the fixture run by 3.14, and attach by process id
// (PEP 768) to the same fixture started with plain python 3.14, both showing the tree in the Async Tasks view.
// runEditorTests.mjs passes the interpreter in LENS_PYTHON_314 (from scripts/pythons.mjs); without one the
// tests fail and say so.
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const { spawn } = require('child_process');
const path = require('path');
const { once, until, ui } = require('./ui');
const { DEBUG_TYPE, lens } = require('./lens');

const S = 1000;
const FETCHES = ['fetch-1', 'fetch-2', 'fetch-3'];
const hasFixture = (labels) => FETCHES.every((f) => labels.includes(f));

function python314() {
  const python = process.env.LENS_PYTHON_314;
  assert.ok(python, 'no CPython 3.14 was found for the editor tier (scripts/get-cpython.sh installs one)');
  return python;
}

async function showTree(name) {
  await vscode.commands.executeCommand('workbench.view.debug');
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
  await ui({ op: 'clickAll', selector: '.part.sidebar .pane-header[aria-expanded="true"]:visible:not(:has-text("Async Tasks"))' });
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
  await ui({ op: 'resizeSidebar', width: 600 });
  await ui({ op: 'waitText', selector: '.pane:has(.pane-header:has-text("Async Tasks")) .monaco-list-row', text: 'fetch-3', timeoutMs: 15 * S });
  await ui({ op: 'screenshot', name });
}

async function stop(session) {
  const ended = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 30 * S, `"${session.name}" to end`);
  await vscode.debug.stopDebugging(session);
  await ended;
}

async function python314Tests(test, folder) {
  await test('CPython 3.14: a debug session shows the task tree', async () => {
    const python = python314();
    const tasks = await lens();
    const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S, 'the 3.14 session to start');
    const ok = await vscode.debug.startDebugging(folder(), {
      type: DEBUG_TYPE, request: 'launch', name: 'Asyncio Lens: 3.14', python,
      program: path.join(folder().uri.fsPath, 'tasks_fixture.py'), env: { LENS_FIXTURE_STOP: path.join(folder().uri.fsPath, 'py314.stop') },
    });
    assert.strictEqual(ok, true, 'startDebugging() failed');
    const session = await started;
    try {
      await until(tasks.onDidChange, () => hasFixture(tasks.labels()), 30 * S, 'the 3.14 tasks to show', () => JSON.stringify(tasks.labels()));
      const snap = (await session.customRequest('asyncioLens/tasks')).python;
      assert.match(snap, /^3\.14\./, `the session runs Python ${snap}`);
      await showTree('python314-session');
    } finally {
      await stop(session);
    }
  });

  await test('CPython 3.14: attach by process id to a program started with plain python', async () => {
    const python = python314();
    const tasks = await lens();
    const dir = folder().uri.fsPath;
    const child = spawn(python, [path.join(dir, 'tasks_fixture.py')], {
      env: { ...process.env, LENS_FIXTURE_STOP: path.join(dir, 'attach314.stop') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the program ended (${code}) before it started`)));
        child.stdout.on('data', (d) => { if (String(d).includes('fixture started')) resolve(); });
      });
      const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S, 'the attach session to start');
      const ok = await vscode.debug.startDebugging(folder(), { type: DEBUG_TYPE, request: 'attach', name: 'Asyncio Lens: Attach to Process', processId: String(child.pid) });
      assert.strictEqual(ok, true, 'startDebugging() failed to attach');
      const session = await started;
      try {
        await until(tasks.onDidChange, () => hasFixture(tasks.labels()), 30 * S, 'the attached program\'s tasks to show', () => JSON.stringify(tasks.labels()));
        await showTree('python314-attach-by-pid');
      } finally {
        await stop(session);
      }
      assert.strictEqual(child.exitCode, null, 'detaching ended the program');
    } finally {
      child.kill();
    }
  });
}

module.exports = { python314Tests };
