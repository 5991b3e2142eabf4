// In-editor tests for Asyncio Lens. Runs in the extension host of a real VS Code (code-server, via the shim in
// test/editor/shim); run() is called by VS Code's test runner and the run fails if it throws. No mocha: each test
// is an async function, every wait has a deadline and a message, and a failure is a failure (nothing is skipped).
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { once, until, ui } = require('./ui');
const { lintTests } = require('./lint');
const { EXT_ID, DEBUG_TYPE, WALKTHROUGH, WALKTHROUGH_TITLE, describe, lens } = require('./lens');

const FIXTURE = 'tasks_fixture.py';
const COMMANDS = ['asyncioLens.debugCurrentFile', 'asyncioLens.runCurrentFile', 'asyncioLens.refreshTasks', 'asyncioLens.openWalkthrough'];
// the Async Tasks view's rows, in the Run and Debug side bar (a Playwright selector, used by the shim)
const TASK_ROWS = '.pane:has(.pane-header:has-text("Async Tasks")) .monaco-list-row';
const ONLY = process.env.LENS_ONLY ? new RegExp(process.env.LENS_ONLY) : null; // run a subset while developing

const S = 1000;

function folder() {
  const f = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert.ok(f, 'no workspace folder is open (runEditorTests passes test/editor/workspace)');
  return f;
}

/**
 * Record what the asyncio-lens adapter tells VS Code (failed responses, output, exit) for sessions accepted by
 * `want`, so a failure message can say why. Returns { said: string[], dispose() }.
 */
function recordAdapter(want) {
  const said = [];
  const reg = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker(s) {
      if (!want(s)) return undefined;
      return {
        onDidSendMessage(m) {
          if (m.type === 'response' && !m.success) said.push(`${m.command} failed: ${m.message || ''} ${(m.body && m.body.error && m.body.error.format) || ''}`.trim());
          else if (m.type === 'event' && m.event === 'output' && m.body.category !== 'telemetry') said.push(`output(${m.body.category || 'console'}): ${String(m.body.output).trim()}`);
          else if (m.type === 'event' && m.event === 'exited') said.push(`exited ${m.body.exitCode}`);
        },
        onError(e) { said.push(`adapter error: ${e && e.message}`); },
        onExit(code, signal) { said.push(`adapter exited ${code ?? signal}`); },
      };
    },
  });
  return { said, dispose: () => reg.dispose() };
}

const isMain = (l) => /^(main|Task-1)\b/.test(l);
const FETCHES = ['fetch-1', 'fetch-2', 'fetch-3'];

async function stopAndWait(session, ms) {
  const terminated = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, ms,
    `onDidTerminateDebugSession for "${session.name}" after stopDebugging()`);
  await vscode.debug.stopDebugging(session);
  await terminated;
}

// Start debugging the fixture with asyncioLens.debugCurrentFile and wait until the tree shows its tasks.
async function debugFixture(tasks) {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, FIXTURE));
  await vscode.window.showTextDocument(doc);
  const rec = recordAdapter(() => true);
  let started; let earlyEnd;
  try {
    started = once(vscode.debug.onDidStartDebugSession, (s) => s.type === DEBUG_TYPE, 30 * S,
      `onDidStartDebugSession (type ${DEBUG_TYPE}) after asyncioLens.debugCurrentFile on ${FIXTURE}`);
    started.catch(() => {});
    earlyEnd = once(vscode.debug.onDidTerminateDebugSession, (s) => s.type === DEBUG_TYPE, 90 * S, 'never');
    earlyEnd.catch(() => {});
    // The command resolves with startDebugging()'s result (true once the session runs), or undefined after it
    // reported an error to the user.
    const result = await Promise.race([
      vscode.commands.executeCommand('asyncioLens.debugCurrentFile'),
      new Promise((_, rej) => setTimeout(() => rej(new Error('asyncioLens.debugCurrentFile did not settle within 30 s')), 30 * S)),
    ]);
    if (result !== true) throw new Error(`asyncioLens.debugCurrentFile returned ${describe(result)}; the adapter said ${describe(rec.said)}`);
    const session = await started;
    const want = () => { const l = tasks.labels(); return FETCHES.every((f) => l.includes(f)) && l.some(isMain); };
    await Promise.race([
      until(tasks.onDidChange, want, 30 * S, `Async Tasks labels to include ${FETCHES.join(', ')} and the main task`,
        () => `${describe(tasks.labels())}; the adapter said ${describe(rec.said)}`),
      earlyEnd.then(() => { throw new Error(`the debug session ended before the tasks showed; labels ${describe(tasks.labels())}; the adapter said ${describe(rec.said)}`); }),
    ]);
    return session;
  } finally {
    rec.dispose(); if (started) started.dispose(); if (earlyEnd) earlyEnd.dispose();
  }
}

exports.run = async function run() {
  const results = [];
  const test = async (name, fn) => {
    if (ONLY && !ONLY.test(name)) return;
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false, ms: Date.now() - t0, error: String((e && e.stack) || e) });
      console.log(`  ✗ ${name} (${Date.now() - t0} ms)\n      ${String((e && e.message) || e).split('\n').join('\n      ')}`);
      try { await ui({ op: 'screenshot', name: `failed-${name.replace(/\W+/g, '-').slice(0, 40)}` }, 20 * S); } catch {}
    }
  };
  console.log(`asyncio-lens editor suite: pid ${process.pid}, node ${process.version}, VS Code ${vscode.version} (${vscode.env.appName})`);

  await test('extension is present and activates', async () => {
    const t0 = Date.now();
    await lens();
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext.isActive, 'extension is not active after activate()');
    console.log(`    activated in ${Date.now() - t0} ms (version ${ext.packageJSON.version}); activate() itself took ${ext.exports.tasks.activationMs} ms`);
  });

  await test('commands are registered', async () => {
    const all = await vscode.commands.getCommands(true);
    const missing = COMMANDS.filter((c) => !all.includes(c));
    assert.deepStrictEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  await test('debugging the fixture shows its tasks in the Async Tasks view', async () => {
    const tasks = await lens();
    const session = await debugFixture(tasks);
    try {
      console.log(`    labels: ${describe(tasks.labels())}`);
      const diags = vscode.languages.getDiagnostics(vscode.Uri.joinPath(folder().uri, FIXTURE));
      if (diags.length) console.log(`    (diagnostics on ${FIXTURE}: ${describe(diags.map((d) => `${d.range.start.line + 1}: ${d.code && (d.code.value || d.code)} ${d.message}`))})`);
      await vscode.commands.executeCommand('workbench.view.debug');
      await vscode.commands.executeCommand('asyncioLens.tasks.focus');
      await ui({ op: 'waitText', selector: '.pane-header', text: 'Async Tasks', timeoutMs: 15 * S });
      // Give the Async Tasks view the room: collapse the other Run and Debug sections (its rows are virtualised, so
      // a row scrolled out of a small pane is not in the DOM).
      await ui({ op: 'clickAll', selector: '.part.sidebar .pane-header[aria-expanded="true"]:visible:not(:has-text("Async Tasks"))' });
      await ui({ op: 'waitText', selector: '.pane-header[aria-expanded="true"]', text: 'Async Tasks', timeoutMs: 5 * S });
      await vscode.commands.executeCommand('asyncioLens.tasks.focus');
      // a wider side bar, so the screenshot shows the descriptions (state · where suspended)
      const { width } = await ui({ op: 'resizeSidebar', width: 560 });
      if (width < 500) console.log(`    (side bar is ${width} px wide after resizing; the screenshot will clip descriptions)`);
      await ui({ op: 'waitText', selector: TASK_ROWS, text: 'fetch-2', timeoutMs: 20 * S });
      const rows = (await ui({ op: 'texts', selector: TASK_ROWS })).texts;
      console.log(`    view rows: ${describe(rows)}`);
      for (const f of FETCHES) assert.ok(rows.some((r) => r.includes(f)), `row ${f} not in the Async Tasks view: ${describe(rows)}`);
      await ui({ op: 'screenshot', name: 'tasks-view' });
    } finally {
      await stopAndWait(session, 30 * S);
    }
  });

  await test('the program ending on its own ends the debug session', async () => {
    const tasks = await lens();
    const session = await debugFixture(tasks);
    const stopFile = path.join(folder().uri.fsPath, 'tasks_fixture.stop');
    const terminated = once(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 20 * S,
      `onDidTerminateDebugSession after writing ${stopFile} (the fixture should exit within a second)`);
    fs.writeFileSync(stopFile, 'stop\n');
    try { await terminated; } finally {
      try { fs.unlinkSync(stopFile); } catch {}
      if (vscode.debug.activeDebugSession && vscode.debug.activeDebugSession.id === session.id) await vscode.debug.stopDebugging(session);
    }
  });

  // First walkthrough of the session, the way a user opens the course. (VS Code builds a first Welcome page before
  // the extension walkthroughs are registered; asked for one it does not know yet, it shows its own first
  // walkthrough instead. The command has to cope with that.)
  await test('asyncioLens.openWalkthrough opens the course (first walkthrough of the session)', async () => {
    await lens();
    await vscode.commands.executeCommand('asyncioLens.openWalkthrough');
    try {
      await ui({ op: 'waitText', selector: '.gettingStartedContainer', text: WALKTHROUGH_TITLE, timeoutMs: 15 * S });
    } catch (e) {
      let tab = '?';
      try { tab = (await ui({ op: 'texts', selector: '.tabs-container .tab.active' })).texts.join(' | '); } catch {}
      throw new Error(`the course did not show; the active tab is "${tab.trim()}". ${e.message}`);
    }
    await ui({ op: 'screenshot', name: 'course-from-command' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  await test('the walkthrough opens', async () => {
    await lens();
    // On a fresh profile the first Welcome page can be built before the extension walkthroughs are registered, and
    // then it shows VS Code's first walkthrough instead of the one asked for (seen with code-server 4.117). With a
    // Welcome page already open, openWalkthrough waits for the walkthrough to be available. So open it first.
    await vscode.commands.executeCommand('workbench.action.openWalkthrough');
    await ui({ op: 'waitText', selector: '.gettingStartedContainer', timeoutMs: 20 * S });
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    await ui({ op: 'waitText', selector: '.gettingStartedContainer', text: WALKTHROUGH_TITLE, timeoutMs: 20 * S });
    await ui({ op: 'waitText', selector: '.gettingStartedContainer .getting-started-step', text: 'Coroutines', timeoutMs: 10 * S });
    await ui({ op: 'waitText', selector: '.gettingStartedContainer .getting-started-step.expanded', text: 'Open snippet', timeoutMs: 10 * S });
    await ui({ op: 'screenshot', name: 'walkthrough' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  await test('launching a missing program ends with a clear error', async () => {
    const missing = path.join(os.tmpdir(), `asyncio-lens-no-such-program-${process.pid}.py`);
    const config = { type: DEBUG_TYPE, request: 'launch', name: 'missing program', program: missing };
    // In extension-test mode the workbench refuses to show the modal error dialog and rejects startDebugging() with
    // the dialog's text instead; the adapter's own words are recorded too.
    const rec = recordAdapter((s) => s.name === config.name);
    const said = rec.said;
    let session;
    const startedSub = vscode.debug.onDidStartDebugSession((s) => { if (s.type === DEBUG_TYPE && s.name === config.name) session = s; });
    const terminated = once(vscode.debug.onDidTerminateDebugSession, (s) => s.type === DEBUG_TYPE && s.name === config.name, 30 * S,
      `the "${config.name}" session to terminate by itself`);
    terminated.catch(() => {});
    let ok; let rejected;
    try {
      ok = await Promise.race([
        vscode.debug.startDebugging(folder(), config),
        new Promise((_, rej) => setTimeout(() => rej(new Error('startDebugging() did not settle within 30 s')), 30 * S)),
      ]);
    } catch (e) {
      if (/did not settle/.test(String(e))) throw e;
      rejected = String((e && e.message) || e);
    }
    try {
      console.log(`    startDebugging -> ${rejected ? `rejected: ${rejected}` : ok}; session started: ${!!session}`);
      if (session) await terminated; // a session that started must end by itself, not hang
      const active = vscode.debug.activeDebugSession;
      assert.ok(!active || active.name !== config.name, 'the missing-program session is still active');
      const texts = (rejected ? [`startDebugging rejected: ${rejected}`] : []).concat(said);
      console.log(`    adapter said: ${describe(said)}`);
      const name = path.basename(missing);
      const clear = texts.filter((t) => t.includes(name) || /not (be )?found|does not exist|no such file/i.test(t));
      assert.ok(clear.length, `no error naming the missing program (${name}) or saying it is not found; got ${describe(texts)}`);
      assert.ok(ok !== true || session, 'startDebugging() reported success but no session started');
    } finally {
      // (no screenshot: in test mode the workbench refuses the error dialog, so there is nothing on screen)
      rec.dispose(); startedSub.dispose(); terminated.dispose();
    }
  });

  await lintTests(test, folder);
  await require('./tasksView').tasksViewTests(test, folder);
  await require('./newUser').newUserTests(test, folder);
  await require('./course').courseTests(test);
  await require('./python314').python314Tests(test, folder);

  const failed = results.filter((r) => !r.ok).length;
  const out = process.env.LENS_RESULT;
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ time: new Date().toISOString(), vscode: vscode.version, results }, null, 2));
  }
  console.log(`  ${results.length - failed} passing, ${failed} failing`);
  if (failed) throw new Error(`${failed} editor test(s) failed`);
};
