// The suite bench/task-to-row.mjs runs in a real VS Code (code-server + Chromium, through
// test/editor/runEditorTests.mjs): time from a task being created in the program to its row being visible in the
// Async Tasks view, with 10 and with 10,000 other live tasks. The program (task_to_row.py) creates probe-<i> when
// the shim writes go-<i> and notes the creation time; the shim notes when the row became visible. Both clocks are
// this machine's. Also noted: when the extension's model had the task (onDidChange), to split program→view model
// from model→pixels. Figures go to $LENS_FIGURES (JSON); pass/fail to $LENS_RESULT like the test suite.
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { once, until, waitForFile, ui } = require('../../test/editor/suite/ui');

const S = 1000;
const EXT_ID = 'asyncio-lens.asyncio-lens';
const PANE = '.pane:has(.pane-header:has-text("Async Tasks"))';
const ROWS = `${PANE} .monaco-list-row`;
const PROBES = Number(process.env.LENS_PROBES || 20);
const SIZES = (process.env.LENS_SIZES || '10,10000').split(',').map(Number);

async function lens() {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not installed`);
  return (ext.isActive ? ext.exports : await ext.activate()).tasks;
}

async function showView() {
  await vscode.commands.executeCommand('workbench.view.debug');
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
  await ui({ op: 'clickAll', selector: '.part.sidebar .pane-header[aria-expanded="true"]:visible:not(:has-text("Async Tasks"))' });
  await vscode.commands.executeCommand('asyncioLens.tasks.focus');
}

async function measure(tasks, n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-task-to-row-'));
  const program = path.join(__dirname, 'task_to_row.py');
  const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === 'asyncio-lens', 30 * S, 'the debug session');
  const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders[0], {
    type: 'asyncio-lens', request: 'launch', name: `task-to-row ${n}`, program, args: [String(n), String(PROBES), dir],
  });
  assert.strictEqual(ok, true, 'startDebugging returned false');
  const session = await started;
  const ended = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 120 * S, 'the program to end');
  try {
    await until(tasks.onDidChange, () => tasks.labels().length >= n + 2, 120 * S, `${n + 2} tasks in the view`,
      () => `${tasks.labels().length} tasks`);
    await showView();
    await ui({ op: 'waitText', selector: ROWS, text: 'holder', timeoutMs: 30 * S });
    const samples = [];
    for (let i = 0; i < PROBES; i++) {
      // The workload: tasks appear at moments unrelated to the view's refreshes, so each probe comes a random
      // 0.3–1.3 s after the previous row showed (back to back, each would land in the refresh window the
      // previous one opened).
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1000));
      const name = `probe-${i}`;
      let modelAt = 0;
      const inModel = until(tasks.onDidChange, () => tasks.labels().includes(name) && (modelAt = Date.now()), 30 * S, `${name} in the model`);
      const { at } = await ui({ op: 'touchAndWaitRow', touch: path.join(dir, `go-${i}`), pane: 'Async Tasks', text: name, timeoutMs: 30 * S });
      await inModel;
      await waitForFile(path.join(dir, `made-${i}`), 10 * S, `${name}'s creation time`);
      const created = Number(fs.readFileSync(path.join(dir, `made-${i}`), 'utf8')) * 1000;
      samples.push({ toRow: at - created, toModel: modelAt - created });
    }
    await ui({ op: 'screenshot', name: `task-to-row-${n}` });
    fs.writeFileSync(path.join(dir, 'stop'), '');
    await ended;
    return samples;
  } finally {
    if (vscode.debug.activeDebugSession?.id === session.id) await vscode.debug.stopDebugging(session);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

exports.run = async function run() {
  const results = [];
  const figures = [];
  const tasks = await lens();
  for (const n of SIZES) {
    const t0 = Date.now();
    try {
      const samples = await measure(tasks, n);
      figures.push({ tasks: n, samples });
      results.push({ name: `task-to-row with ${n} tasks`, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      results.push({ name: `task-to-row with ${n} tasks`, ok: false, ms: Date.now() - t0, error: String((e && e.stack) || e) });
    }
  }
  if (process.env.LENS_FIGURES) fs.writeFileSync(process.env.LENS_FIGURES, JSON.stringify(figures));
  if (process.env.LENS_RESULT) fs.writeFileSync(process.env.LENS_RESULT, JSON.stringify({ results }));
  if (results.some((r) => !r.ok)) throw new Error('a measurement failed');
};
