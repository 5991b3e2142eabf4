// The extension under test as the suite reaches it: its ids, and the API its activate() returns.
'use strict';
const vscode = require('vscode');
const assert = require('assert');

const EXT_ID = 'asyncio-lens.asyncio-lens';
const DEBUG_TYPE = 'asyncio-lens';
const WALKTHROUGH = `${EXT_ID}#asyncioLens.course`;
const WALKTHROUGH_TITLE = 'Learn asyncio with Asyncio Lens';

function describe(v) {
  try { return JSON.stringify(v, (k, x) => (typeof x === 'function' ? `[function ${x.name || k}]` : x)); } catch { return String(v); }
}

/** The `tasks` part of the extension's API (activating the extension if it is not yet). */
async function lens() {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not installed in the editor`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  const tasks = api && api.tasks;
  assert.ok(tasks && tasks.view && typeof tasks.labels === 'function' && typeof tasks.onDidChange === 'function',
    `activate() must return { tasks: { view, labels(), onDidChange } }, got ${describe(api)}`);
  return tasks;
}

module.exports = { EXT_ID, DEBUG_TYPE, WALKTHROUGH, WALKTHROUGH_TITLE, describe, lens };
