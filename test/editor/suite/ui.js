// Helpers for the extension-host suite: deadlines on VS Code events, and the UI bridge to the code-server shim.
//
// The bridge: ui({ op, ... }) logs  __LENS_UI__ <id> <op> <base64url(JSON)>  on the console; the shim (which sees
// extension-host console output through the page console) performs it with Playwright and writes
// $LENS_UI_DIR/<id>.json; we wait for that file with fs.watch plus a slow re-check, up to a deadline.
'use strict';
const fs = require('fs');
const path = require('path');

let seq = 0;

/** Resolve with the first event for which pred(e) is truthy; reject with `what` after ms. */
/** The returned promise has dispose(): stop listening (it then never settles). */
function once(event, pred, ms, what) {
  let d; let t;
  const p = new Promise((resolve, reject) => {
    t = setTimeout(() => { if (d) d.dispose(); reject(new Error(`timeout after ${ms} ms waiting for ${what}`)); }, ms);
    d = event((e) => {
      let ok = false;
      try { ok = !pred || pred(e); } catch (err) { clearTimeout(t); d.dispose(); reject(err); return; }
      if (ok) { clearTimeout(t); d.dispose(); resolve(e); }
    });
  });
  p.dispose = () => { clearTimeout(t); if (d) d.dispose(); };
  return p;
}

/**
 * Evaluate check() now and again on every `event` until it returns a truthy value; reject after ms with
 * describe() in the message (so a failure says what was seen instead).
 */
function until(event, check, ms, what, describe) {
  return new Promise((resolve, reject) => {
    let d; let done = false;
    const finish = (err, v) => { if (done) return; done = true; clearTimeout(t); if (d) d.dispose(); err ? reject(err) : resolve(v); };
    const t = setTimeout(() => {
      let seen = '';
      try { seen = describe ? `; last seen: ${describe()}` : ''; } catch (e) { seen = `; (describe failed: ${e})`; }
      finish(new Error(`timeout after ${ms} ms waiting for ${what}${seen}`));
    }, ms);
    const test = () => { try { const v = check(); if (v) finish(null, v); } catch (e) { finish(e); } };
    d = event(test);
    test();
  });
}

/** Wait until `file` exists (fs.watch on its directory, re-checked every 500 ms in case an event is missed). */
function waitForFile(file, ms, what) {
  return new Promise((resolve, reject) => {
    let watcher; let poll; let done = false;
    const finish = (err) => {
      if (done) return; done = true;
      clearTimeout(t); clearInterval(poll); try { if (watcher) watcher.close(); } catch {}
      err ? reject(err) : resolve();
    };
    const t = setTimeout(() => finish(new Error(`timeout after ${ms} ms waiting for ${what || file}`)), ms);
    const check = () => { if (fs.existsSync(file)) finish(); };
    try { watcher = fs.watch(path.dirname(file), check); } catch {}
    poll = setInterval(check, 500);
    check();
  });
}

/**
 * Ask the shim for a UI action. Resolves with its value, rejects with the shim's error (and the path of the
 * screenshot it took on failure).
 *   { op: 'screenshot', name }                    -> test/editor/screenshots/<name>.png
 *   { op: 'waitText', selector, text?, notText?, label?, timeoutMs } -> element (Playwright selector, optional
 *                                                    hasText, hasNotText, a .label-name of exactly `label`) visible
 *   { op: 'touchAndWaitRow', touch, pane, text, timeoutMs } -> writes the file `touch`, then waits (every frame)
 *                                                    for a row showing text in the view titled pane; { at }: epoch ms
 *   { op: 'texts', selector }                      -> { texts: innerText[] }
 *   { op: 'pseudoTexts', selector, pseudo? }       -> { texts }: CSS content of each match's ::after (or pseudo)
 *   { op: 'html', selector, text? }                -> { html }: outer HTML of the first match (diagnostics)
 *   { op: 'click', selector, text? } | { op: 'hover', ... } | { op: 'press', key } | { op: 'command', title }
 *   { op: 'clickAll', selector }                   -> clicks each match until none is left; { clicked }
 *   { op: 'clickGutter', line, hoverOnly? }        -> clicks (or hovers) the glyph margin of the active editor's line
 *   { op: 'resizeSidebar', width }                 -> drags the side bar's sash; { width }
 */
async function ui(req, ms) {
  const dir = process.env.LENS_UI_DIR;
  if (!dir) throw new Error('LENS_UI_DIR is not set: the suite must run under test/editor/shim/code-server-shim.js');
  const id = `${process.pid}-${++seq}`;
  const wait = ms || (req.timeoutMs || 20000) + 15000;
  const b64 = Buffer.from(JSON.stringify(req)).toString('base64url');
  const file = path.join(dir, `${id}.json`);
  console.log(`__LENS_UI__ ${id} ${req.op} ${b64}`);
  await waitForFile(file, wait, `the shim to do UI op ${req.op} ${JSON.stringify(req)}`);
  const res = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!res.ok) throw new Error(`UI op ${req.op} ${JSON.stringify(req)} failed: ${res.error}${res.screenshot ? ` (screenshot ${res.screenshot})` : ''}`);
  return res.value;
}

module.exports = { once, until, waitForFile, ui };
