// The language server in the editor: diagnostics reach the Problems panel and a quick fix edits the file.
'use strict';
const vscode = require('vscode');
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { until, ui } = require('./ui');

const S = 1000;
const FIXTURE = 'lint_fixture.py';

function codeOf(d) {
  return d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Waits until the language server published diagnostics for `uri` that satisfy `check`. */
function diagnosticsFor(uri, check, what) {
  const current = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'asyncio-lens');
  return until(vscode.languages.onDidChangeDiagnostics, () => (check(current()) ? current() : undefined), 30 * S, what,
    () => JSON.stringify(current().map((d) => `${d.range.start.line + 1}:${codeOf(d)}`)));
}

exports.lintTests = async function lintTests(test, folder) {
  await test('the language server flags asyncio mistakes and a quick fix repairs one', async () => {
    // Work on a copy, so the fixture stays as it is for the next run.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncio-lens-lint-'));
    const file = path.join(dir, FIXTURE);
    fs.copyFileSync(path.join(folder().uri.fsPath, FIXTURE), file);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const found = await diagnosticsFor(uri, (ds) => ds.length >= 3, 'three asyncio-lens diagnostics on the lint fixture');
    const byLine = found.map((d) => `${d.range.start.line + 1}:${codeOf(d)}`).sort();
    assert.deepStrictEqual(byLine, ['10:ALENS001', '11:ALENS003', '12:ALENS002']);
    assert.match(found.find((d) => codeOf(d) === 'ALENS003').message, /time\.sleep\(\) blocks the event loop/);

    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await ui({ op: 'waitText', selector: '.markers-panel', text: 'ALENS003', timeoutMs: 15 * S });
    await ui({ op: 'screenshot', name: 'problems-panel' });

    const line11 = new vscode.Range(10, 4, 10, 17);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, line11, vscode.CodeActionKind.QuickFix.value);
    const fix = (actions || []).find((a) => /await asyncio\.sleep/.test(a.title));
    assert.ok(fix, `no "await asyncio.sleep" quick fix on line 11; got ${JSON.stringify((actions || []).map((a) => a.title))}`);
    assert.ok(fix.edit, 'the quick fix has no edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'applying the quick fix failed');
    assert.strictEqual(doc.lineAt(10).text, '    await asyncio.sleep(1)');
    await diagnosticsFor(uri, (ds) => ds.length > 0 && !ds.some((d) => codeOf(d) === 'ALENS003'), 'ALENS003 to go away after the fix');
    await ui({ op: 'screenshot', name: 'quick-fix-applied' });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  await test('a hover link opens the course at the step that teaches the name', async () => {
    const uri = vscode.Uri.joinPath(folder().uri, FIXTURE);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // Diagnostics for the file mean the server has parsed it; then it can answer the hover.
    await diagnosticsFor(uri, (ds) => ds.length > 0, 'asyncio-lens diagnostics on the lint fixture');
    // Line 10 is `    asyncio.create_task(work())`.
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(9, 14))) || [];
    const markdown = hovers.flatMap((h) => h.contents.map((c) => c.value || '')).join('\n');
    const link = /\(command:asyncioLens\.openWalkthrough\?([^)]*)\)/.exec(markdown);
    assert.ok(link, `no course link in the hover: ${markdown}`);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(link[1])), ['tasks']);
    // Now as a user: show the hover at the cursor and click the link (the client must trust the command for this).
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(9, 14, 9, 14);
    await vscode.commands.executeCommand('editor.action.showHover');
    await ui({ op: 'waitText', selector: '.monaco-hover a', text: 'Course: Creating tasks', timeoutMs: 15 * S });
    await ui({ op: 'screenshot', name: 'hover-course-link' });
    await ui({ op: 'click', selector: '.monaco-hover a', text: 'Course: Creating tasks' });
    await ui({ op: 'waitText', selector: '.gettingStartedContainer .getting-started-step.expanded', text: 'Creating tasks', timeoutMs: 20 * S });
    await ui({ op: 'screenshot', name: 'course-step-from-hover' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
};
