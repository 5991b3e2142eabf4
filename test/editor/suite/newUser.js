// What a new user meets debugging an unseen program (workspace/new_user.py) with only Asyncio Lens installed:
// a breakpoint set by a gutter click, the view coming into sight on F5, "s left" counting down, one Warnings entry
// per await cycle, every task in "Arrange by Awaited By", the count in one set of words, the stopped task once in
// the Call Stack, the Call Stack and the tree in the same words, a paused program's rows that stay true, and the
// paused hints in words. Called from index.js with the suite's test() and folder().
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { once, until, ui } = require('./ui');
const { DEBUG_TYPE, describe } = require('./lens');
const { TASK_THREAD_BASE, PANE, ROWS, STATUS, outline, startDebugging, stop, showView } = require('./session');

const S = 1000;
const FIXTURE = 'new_user.py';
const NAMES = ['main', 'cycle-a', 'cycle-b', 'stop-watcher', 'ticker', 'consumer', 'holder', 'waiter', 'sleeper', 'gatherer',
  'guarded-caller', 'guarded', 'timed', 'threaded'];
const hasAll = (labels) => NAMES.every((n) => labels.includes(n));
const SIDEBAR_HEADER = '.part.sidebar .composite.title';
/** Words no wait label may have: the doubled, lower-case and wrongly named ones of before. */
const BAD_WORDS = /Task 'Task |task Task '|thread thread|awaiting |Context\.run|queue\.get \d|lock held/;

function fixtureLine(folder, marker) {
  const lines = fs.readFileSync(path.join(folder().uri.fsPath, FIXTURE), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `no line with ${marker} in ${FIXTURE}`);
  return i + 1;
}

/** The description of the Async Tasks row of task `name` as the screen shows it ("sleep, 57 s left · 2.1 s"). */
async function rowText(name) {
  const { text } = await ui({ op: 'waitText', selector: ROWS, label: name, timeoutMs: 15 * S });
  return text.replace(/\s+/g, ' ').trim().slice(name.length).trim();
}

/**
 * Runs the checks of one screen, each named by the issue item it shows, and fails with all that failed (so a run
 * before a fix shows every item that fails, not only the first).
 */
function checks() {
  const failed = [];
  return {
    async check(name, fn) {
      try {
        await fn();
      } catch (e) {
        failed.push(`${name}: ${String((e && e.message) || e).split('\n').slice(0, 8).join(' ')}`);
        try { await ui({ op: 'screenshot', name: `failed-check-${name.replace(/\W+/g, '-').slice(0, 40)}` }, 20 * S); } catch {}
      }
    },
    done() {
      assert.ok(!failed.length, `${failed.length} check(s) failed:\n${failed.join('\n')}`);
    },
  };
}

/** Seconds in "sleep, 57 s left" / "sleep, 9 min 57 s left" / "4.2 s left". */
function secondsLeft(text) {
  const m = /(?:(\d+) min )?(\d+(?:\.\d)?) s left/.exec(text);
  return m ? Number(m[1] || 0) * 60 + Number(m[2]) : undefined;
}

/** The DAP thread list of a stopped session, as VS Code's Call Stack gets it. */
async function threads(session) {
  return (await session.customRequest('threads')).threads;
}

/** Stops at the breakpoint line of the fixture's ticker task; returns { session, stoppedOn, dispose }. */
async function runToBreakpoint(line, start) {
  let stoppedOn;
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, { createDebugAdapterTracker: () => ({
    onDidSendMessage(m) { if (m.type === 'event' && m.event === 'stopped' && !stoppedOn) stoppedOn = m.body; },
  }) });
  const started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S, `a ${DEBUG_TYPE} session`);
  try {
    await start();
    const session = await started;
    await until(vscode.debug.onDidChangeActiveStackItem, () => stoppedOn && vscode.debug.activeStackItem, 30 * S,
      `the program to stop at the breakpoint on ${FIXTURE}:${line}`, () => describe(stoppedOn));
    return { session, stoppedOn };
  } finally {
    tracker.dispose();
    started.dispose();
  }
}

exports.newUserTests = async function newUserTests(test, folder) {
  // Issue 13, item 1.
  await test('new user: a gutter click in a .py file sets a breakpoint, and F5 stops on it', async () => {
    const line = fixtureLine(folder, '# lens-test: breakpoint');
    const uri = vscode.Uri.joinPath(folder().uri, FIXTURE);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line - 1, 0, line - 1, 0) });
    const atLine = () => vscode.debug.breakpoints.find((b) => b.location && b.location.uri.fsPath === uri.fsPath && b.location.range.start.line === line - 1);
    const set = until(vscode.debug.onDidChangeBreakpoints, atLine, 10 * S, `a breakpoint at ${FIXTURE}:${line} after a click in its gutter`,
      () => describe(vscode.debug.breakpoints.map((b) => b.location ? `${path.basename(b.location.uri.fsPath)}:${b.location.range.start.line + 1}` : 'function')));
    let session;
    try {
      await ui({ op: 'clickGutter', line, hoverOnly: true });
      await ui({ op: 'screenshot', name: 'breakpoint-gutter-hover' });
      await ui({ op: 'clickGutter', line });
      await set;
      await ui({ op: 'screenshot', name: 'breakpoint-set' });
      let stoppedOn;
      ({ session, stoppedOn } = await runToBreakpoint(line, async () => {
        await ui({ op: 'click', selector: '.editor-instance .view-lines' });
        await ui({ op: 'press', key: 'F5' });
      }));
      assert.strictEqual(stoppedOn.reason, 'breakpoint', `stopped for ${describe(stoppedOn)}`);
      const { stackFrames } = await session.customRequest('stackTrace', { threadId: stoppedOn.threadId, startFrame: 0, levels: 5 });
      assert.strictEqual(stackFrames[0].line, line, `stopped at ${describe(stackFrames[0])}`);
      await ui({ op: 'waitText', selector: '.debug-call-stack .monaco-list-row', text: 'ticker', timeoutMs: 10 * S });
      await ui({ op: 'screenshot', name: 'stopped-at-gutter-breakpoint' });
    } finally {
      vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      if (session) await stop(session);
    }
  });

  // Issue 13, item 5.
  await test('new user: stopped in a task, the Call Stack lists that task once, as the thread that stopped in it', async () => {
    const line = fixtureLine(folder, '# lens-test: breakpoint');
    const uri = vscode.Uri.joinPath(folder().uri, FIXTURE);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(line - 1, 0)))]);
    let session;
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      let stoppedOn;
      ({ session, stoppedOn } = await runToBreakpoint(line, async () => {
        assert.strictEqual(await vscode.commands.executeCommand('asyncioLens.debugCurrentFile'), true);
      }));
      const list = await threads(session);
      const names = list.map((t) => t.name);
      console.log(`    threads: ${describe(names)}`);
      const ticker = list.filter((t) => /Task 'ticker'/.test(t.name));
      assert.strictEqual(ticker.length, 1, `task 'ticker' is listed ${ticker.length} times in the Call Stack: ${describe(names)}`);
      assert.deepStrictEqual(ticker[0], { id: stoppedOn.threadId, name: "MainThread · Task 'ticker'" });
      await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView');
      await ui({ op: 'waitText', selector: '.debug-call-stack .monaco-list-row', text: "Task 'ticker'", timeoutMs: 10 * S });
      await ui({ op: 'screenshot', name: 'stopped-task-once-in-call-stack' });
    } finally {
      vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
      if (session) await stop(session);
    }
  });

  // Issue 13, item 11.
  await test('new user: F5 brings Async Tasks into view; with asyncioLens.revealTasksView off the side bar stays', async () => {
    const config = vscode.workspace.getConfiguration('asyncioLens');
    const explorer = async () => {
      await vscode.commands.executeCommand('workbench.view.explorer');
      await ui({ op: 'waitText', selector: SIDEBAR_HEADER, text: 'Explorer', timeoutMs: 10 * S });
    };
    await explorer();
    let { session } = await startDebugging(folder, FIXTURE, hasAll, 'F5');
    try {
      await ui({ op: 'waitText', selector: `.part.sidebar ${PANE} .pane-header[aria-expanded="true"]`, timeoutMs: 15 * S });
      await ui({ op: 'waitText', selector: `.part.sidebar ${ROWS}`, text: 'main', timeoutMs: 15 * S });
      await ui({ op: 'screenshot', name: 'f5-reveals-async-tasks' });
    } finally {
      await stop(session);
    }
    await config.update('revealTasksView', false, vscode.ConfigurationTarget.Global);
    try {
      await explorer();
      ({ session } = await startDebugging(folder, FIXTURE, hasAll, 'F5'));
      try {
        const header = (await ui({ op: 'texts', selector: SIDEBAR_HEADER })).texts.join(' ');
        assert.match(header, /Explorer/i, `the side bar left Explorer with revealTasksView off: ${header}`);
      } finally {
        await stop(session);
      }
    } finally {
      await config.update('revealTasksView', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  // Issue 13, items 2, 3 and 8.
  await test('new user: running, the view counts down, shows one cycle entry, and counts once', async () => {
    const { session, view, tasks } = await startDebugging(folder, FIXTURE, hasAll);
    const { check, done } = checks();
    try {
      await showView();
      await ui({ op: 'waitText', selector: ROWS, label: 'sleeper', timeoutMs: 15 * S });

      await check('item 2: "s left" counts down on the screen, whatever the update rate; a 600 s sleep says so too', async () => {
        const before = (await rowText('sleeper')).split(' · ')[0];
        const left = secondsLeft(before);
        assert.ok(left !== undefined && left <= 60, `the sleeper row does not say how long it sleeps: "${before}"`);
        await ui({ op: 'waitText', selector: ROWS, label: 'sleeper', notText: before, timeoutMs: 10 * S });
        const after = await rowText('sleeper');
        assert.ok(secondsLeft(after) < left, `the time left did not go down: "${before}" then "${after}"`);
        assert.match(await rowText('holder'), /^sleep, 9 min \d+ s left/);
        await ui({ op: 'screenshot', name: 'running-counts-down' });
      });

      await check('item 3: one Warnings entry for the await cycle, named by its tasks, expandable to them', async () => {
        await until(tasks.onDidChange, () => view.activeEntry().model.warnings.some((w) => w.kind === 'await_cycle'), 15 * S,
          'the await cycle in Warnings', () => describe(view.activeEntry().model.warnings));
        const section = view.getChildren().find((n) => n.kind === 'section' && n.key === 'warnings');
        const cycles = view.getChildren(section).filter((n) => n.kind === 'warning' && n.warning.kind === 'await_cycle');
        const labels = cycles.map((n) => view.getTreeItem(n).label);
        assert.deepStrictEqual(labels, ['Await cycle (deadlock): cycle-a → cycle-b → cycle-a'], `Warnings: ${describe(labels)}`);
        assert.notStrictEqual(view.getTreeItem(cycles[0]).collapsibleState, vscode.TreeItemCollapsibleState.None, 'the cycle entry cannot be expanded');
        assert.deepStrictEqual(view.getChildren(cycles[0]).map((n) => view.getTreeItem(n).label), ['cycle-a', 'cycle-b']);
        await ui({ op: 'click', selector: ROWS, text: 'Await cycle' });
        await ui({ op: 'waitText', selector: `${ROWS}[aria-level="3"]`, text: 'cycle-b', timeoutMs: 10 * S });
        await ui({ op: 'screenshot', name: 'warnings-one-cycle' });
      });

      await check('item 8: the status bar and the view\'s title give one count; Run and Debug\'s badge has no other', async () => {
        // VS Code adds every view's badge to its container's (Run and Debug counts the debug sessions): a task count
        // there would read one more than the status bar.
        const counted = `${view.liveCount()} tasks`;
        await ui({ op: 'waitText', selector: STATUS, text: counted, timeoutMs: 10 * S });
        await ui({ op: 'waitText', selector: `${PANE} .pane-header`, text: counted, timeoutMs: 10 * S });
        const badge = (await ui({ op: 'texts', selector: '.part.activitybar .action-item:has([aria-label^="Run and Debug"]) .badge-content' })).texts;
        assert.deepStrictEqual(badge.map((b) => b.trim()).filter(Boolean), ['1'],
          `the Run and Debug badge says ${describe(badge)} (1 = VS Code's count of debug sessions) while the status bar says "${counted}"`);
        await ui({ op: 'screenshot', name: 'count-in-title-and-status-bar' });
      });
      done();
    } finally {
      await stop(session);
    }
  });

  // Issue 13, item 4.
  await test('new user: arranged by awaited-by, every live task is a row on screen, an await cycle\'s included', async () => {
    // As a user who chose the arrangement before: the tree is built, then the cycle forms and moves one task under
    // the other.
    await vscode.commands.executeCommand('asyncioLens.arrangeByAwaitedBy');
    let session;
    try {
      let view;
      ({ session, view } = await startDebugging(folder, FIXTURE, hasAll));
      await showView();
      await until(view.onDidChange, () => view.activeEntry().model.warnings.some((w) => w.kind === 'await_cycle'), 15 * S,
        'the await cycle to form', () => describe(view.activeEntry().model.warnings));
      const shown = outline(view).map((l) => l.trim().replace(/ — .*$/, ''));
      const live = [...view.activeEntry().model.liveTasks()].map((t) => t.name);
      assert.deepStrictEqual(live.filter((n) => !shown.includes(n)), [], `not in the awaited-by tree: ${describe(shown)}`);
      for (const name of live) {
        await ui({ op: 'waitText', selector: ROWS, label: name, timeoutMs: 10 * S });
      }
      await ui({ op: 'screenshot', name: 'awaited-by-with-cycle' });
    } finally {
      await vscode.commands.executeCommand('asyncioLens.arrangeByStructure');
      if (session) await stop(session);
    }
  });

  // Issue 13, items 2 (paused), 6, 7 and 10.
  await test('new user: paused, the Call Stack and the tree say the same at that moment, a finished worker stays named, hints are words', async () => {
    const { session, view } = await startDebugging(folder, FIXTURE, hasAll);
    const model = () => view.activeEntry().model;
    const byName = (name) => [...model().liveTasks()].find((t) => t.name === name);
    const { check, done } = checks();
    try {
      await showView();
      // (the sleeper has slept a few seconds: a stale "s left" would show)
      await until(view.onDidChange, () => byName('threaded').waiting_on.thread && Date.now() / 1000 - byName('sleeper').created > 3,
        20 * S, "'threaded' to run in a worker thread, 3 s into the program", () => describe(byName('threaded').waiting_on));
      await vscode.commands.executeCommand('workbench.action.debug.pause');
      await until(view.onDidChangePaused, () => view.isPaused(), 15 * S, 'the program to pause');
      const pausedAt = view.activeEntry().pausedAt;
      const list = (await threads(session)).filter((t) => t.id > TASK_THREAD_BASE);
      console.log(`    task threads: ${describe(list.map((t) => t.name))}`);

      await check('item 6: each task thread of the Call Stack has the words of its row in the tree', async () => {
        // (numbers aside: the adapter and the view each note the moment of the pause, a few ms apart; 'threaded'
        // aside: its worker may finish between the two looks, see item 7)
        const lines = outline(view).map((l) => l.trim());
        const words = (text) => text.replace(/\d+(\.\d)?/g, '#');
        const mismatched = [];
        for (const thread of list) {
          const m = /^Task '(.*)' · (.*)$/.exec(thread.name);
          const row = m && lines.find((l) => l.startsWith(`${m[1]} — `));
          if (BAD_WORDS.test(thread.name)) mismatched.push({ thread: thread.name, bad: true });
          else if (m && m[1] === 'threaded') continue;
          else if (!m || !row || !words(row.slice(m[1].length + 3)).startsWith(words(m[2]))) mismatched.push({ thread: thread.name, row });
        }
        assert.deepStrictEqual(mismatched, [], 'Call Stack names that differ from the tree');
      });

      await check('item 2: paused, the tree and the Call Stack give the time left at the moment of the pause', async () => {
        const expected = byName('sleeper').waiting_on.deadline - pausedAt;
        const callStack = (list.find((t) => t.name.startsWith("Task 'sleeper'")) || { name: '(no thread)' }).name;
        const row = await rowText('sleeper');
        for (const shown of [callStack, row]) {
          assert.ok(Math.abs(secondsLeft(shown) - expected) <= 1.5, `"${shown}": ${expected.toFixed(1)} s were left when the program paused`);
        }
        await vscode.commands.executeCommand('workbench.debug.action.focusCallStackView');
        await ui({ op: 'clickAll', selector: '.part.sidebar .pane-header[aria-expanded="true"]:visible:not(:has-text("Call Stack"))' });
        await ui({ op: 'waitText', selector: '.debug-call-stack .monaco-list-row', text: "Task 'sleeper'", timeoutMs: 10 * S });
        await ui({ op: 'screenshot', name: 'paused-call-stack-words' });
      });

      await check('item 7: a worker that finishes while the program is paused still names its thread, never "queued"', async () => {
        // The worker of 'threaded' runs time.sleep, library code the debugger does not stop: it finishes while the
        // program is paused, and the paused loop has not taken the result.
        await until(view.onDidChange, () => !/ in /.test(byName('threaded').waiting_on.detail), 15 * S,
          "the worker of 'threaded' to finish its time.sleep", () => describe(byName('threaded').waiting_on));
        await showView();
        const threaded = await rowText('threaded');
        assert.ok(/thread 'asyncio_\d+'/.test(threaded) && !/queued/.test(threaded), `the row of 'threaded' while paused: "${threaded}"`);
        await ui({ op: 'screenshot', name: 'paused-worker-finished' });
      });

      await check('item 10: where tasks wait, the editor says so in words, no glyph a font may lack', async () => {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, FIXTURE));
        const cycleLine = fixtureLine(folder, 'await tasks["cycle-b"]');
        const editor = await vscode.window.showTextDocument(doc);
        editor.revealRange(new vscode.Range(cycleLine - 1, 0, cycleLine - 1, 0), vscode.TextEditorRevealType.AtTop);
        await ui({ op: 'waitText', selector: '.editor-instance .view-lines .view-line', text: 'await tasks["cycle-b"]', timeoutMs: 10 * S });
        const seen = (await ui({ op: 'pseudoTexts', selector: '.editor-instance .view-lines .view-line span' })).texts;
        console.log(`    paused hints: ${describe(seen)}`);
        assert.ok(seen.includes("task 'cycle-a' waits here"), `no paused hint in words after the await of cycle-a: ${describe(seen)}`);
        assert.ok(seen.every((t) => /^[\x20-\x7e]*$/.test(t)), `a paused hint has a glyph beyond ASCII: ${describe(seen)}`);
        await ui({ op: 'screenshot', name: 'paused-hints-in-words' });
      });
      done();
    } finally {
      await stop(session);
    }
  });
};
