// The course in a real VS Code: one walkthrough step's buttons, clicked as a learner would. "Run" opens a terminal
// running the step's snippet; "Debug with tasks" stops at the snippet's `# lens: stop here` line with the step's
// tasks in the Async Tasks view. Called from index.js with the suite's test().
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const { once, until, ui } = require('./ui');
const { DEBUG_TYPE, WALKTHROUGH, WALKTHROUGH_TITLE, lens } = require('./lens');

const S = 1000;
const SNIPPET = 'cancellation.py';
const STEP = '.gettingStartedContainer .getting-started-step';
const BUTTON = `${STEP}.expanded .monaco-button`;
const PANE = '.pane:has(.pane-header:has-text("Async Tasks"))';
const MARKER = '# lens: stop here';

/** The view's top rows as "label — description". */
function rows(view) {
  return view.getChildren(undefined).map((node) => {
    const item = view.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label.label;
    return `${label}${item.description ? ` — ${item.description}` : ''}`;
  });
}

/** Every row of the view, depth first (tasks nest under their parents). */
function allRows(view, node, out = []) {
  for (const child of view.getChildren(node)) {
    if (child.kind === 'frame') continue;
    const item = view.getTreeItem(child);
    out.push(`${typeof item.label === 'string' ? item.label : item.label.label}${item.description ? ` — ${item.description}` : ''}`);
    allRows(view, child, out);
  }
  return out;
}

/** The view's node of the live task labelled `name`, anywhere in the tree. */
function findTask(view, name, node) {
  for (const child of view.getChildren(node)) {
    if (child.kind === 'frame') continue;
    const item = view.getTreeItem(child);
    if (child.kind === 'task' && (typeof item.label === 'string' ? item.label : item.label.label) === name) return child;
    const found = findTask(view, name, child);
    if (found) return found;
  }
  return undefined;
}

async function openStep() {
  // A Welcome page first, so that openWalkthrough finds the extension's walkthrough (see the README).
  await vscode.commands.executeCommand('workbench.action.openWalkthrough');
  await ui({ op: 'waitText', selector: '.gettingStartedContainer', timeoutMs: 20 * S });
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
  await ui({ op: 'waitText', selector: '.gettingStartedContainer', text: WALKTHROUGH_TITLE, timeoutMs: 20 * S });
  await ui({ op: 'click', selector: `${STEP} .step-title`, text: 'Cancelling a task', timeoutMs: 10 * S });
  await ui({ op: 'waitText', selector: BUTTON, text: 'Debug with tasks', timeoutMs: 10 * S });
}

async function courseTests(test) {
  await test('a course step: Run opens a terminal running the snippet', async () => {
    await lens();
    await openStep();
    const opened = once(vscode.window.onDidOpenTerminal, (t) => t.name === `asyncio: ${SNIPPET}`, 30 * S,
      `a terminal named "asyncio: ${SNIPPET}" after clicking Run`);
    await ui({ op: 'click', selector: BUTTON, text: 'Run', timeoutMs: 10 * S });
    const terminal = await opened;
    assert.ok(!terminal.creationOptions.pty, 'the Run terminal should be a shell terminal, as the Python extension runs files');
    // What the learner reads: the command and the snippet's last line, still on screen after it ended.
    await ui({ op: 'waitText', selector: '.terminal-wrapper .xterm-rows', text: 'stubborn: swallowed the CancelledError', timeoutMs: 30 * S });
    const text = (await ui({ op: 'texts', selector: '.terminal-wrapper .xterm-rows' })).texts.join('\n');
    // (a long command wraps over rows)
    assert.ok(text.replace(/\s+/g, '').includes(`04-cancellation/${SNIPPET}`), `the terminal shows the command it ran: ${text}`);
    // The program ended with 0 and the shell is back: it runs the next command.
    terminal.sendText('echo "lens-exit-$?"', true);
    await ui({ op: 'waitText', selector: '.terminal-wrapper .xterm-rows', text: 'lens-exit-0', timeoutMs: 15 * S });
    await ui({ op: 'screenshot', name: 'course-run' });
    const closed = once(vscode.window.onDidCloseTerminal, (t) => t === terminal, 10 * S, 'the terminal to close');
    terminal.dispose();
    await closed;
  });

  await test('a course step: Debug with tasks stops at the marker and shows the step\'s tasks', async () => {
    const tasks = await lens();
    await openStep();
    const stops = [];
    const stopped = new vscode.EventEmitter();
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
      createDebugAdapterTracker: () => ({
        onDidSendMessage(m) { if (m.type === 'event' && m.event === 'stopped') { stops.push(m.body); stopped.fire(); } },
      }),
    });
    const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S, 'a debug session after clicking Debug with tasks');
    let session;
    try {
      await ui({ op: 'click', selector: BUTTON, text: 'Debug with tasks', timeoutMs: 10 * S });
      session = await started;
      await until(stopped.event, () => stops.length > 0, 30 * S, 'the stop at the marker', () => JSON.stringify(stops));
      assert.match(stops[0].description || '', /lens: stop here/, `the stop: ${JSON.stringify(stops[0])}`);
      const { stackFrames } = await session.customRequest('stackTrace', { threadId: stops[0].threadId, levels: 1 });
      // (a remote extension host hands back paths as vscode-remote:// URIs)
      const reported = stackFrames[0].source.path;
      const file = /^[\w-]+:\/\//.test(reported) ? vscode.Uri.parse(reported).path : reported;
      const markerLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(MARKER)) + 1;
      assert.ok(file.endsWith(SNIPPET) && stackFrames[0].line === markerLine, `stopped at ${file}:${stackFrames[0].line}, marker at line ${markerLine}`);

      // The view: main awaits the worker, whose cancellation is under way (the row's tooltip tells by whom).
      const awaiting = () => allRows(tasks.view).some((r) => /^Task-1 — .*Task-2/.test(r)) && findTask(tasks.view, 'Task-2');
      const worker = await until(tasks.onDidChange, awaiting, 20 * S, 'Task-1 awaiting Task-2 in the Async Tasks view',
        () => JSON.stringify(allRows(tasks.view)));
      const tooltip = tasks.view.resolveTreeItem(tasks.view.getTreeItem(worker), worker).tooltip;
      assert.match(tooltip && tooltip.value, /Cancel requested \(1×\) by task 'Task-1'/, `Task-2's tooltip: ${tooltip && tooltip.value}`);
      console.log(`    view: ${JSON.stringify(allRows(tasks.view))} (top: ${JSON.stringify(rows(tasks.view))})`);
      await ui({ op: 'waitText', selector: `${PANE} .monaco-list-row`, text: 'Task-2', timeoutMs: 20 * S });
      await ui({ op: 'screenshot', name: 'course-debug' });
    } finally {
      tracker.dispose();
      stopped.dispose();
      started.dispose();
      if (session) {
        const ended = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 30 * S, 'the course session to end');
        await vscode.debug.stopDebugging(session);
        await ended;
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
}

module.exports = { courseTests };
