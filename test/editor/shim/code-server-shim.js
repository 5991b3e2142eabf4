#!/usr/bin/env node
// A fake "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath: <this file> }).
//
// It takes the arguments runTests() passes (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
// --extensions-dir=, [folder]), starts code-server (installed by test/editor/setup.sh) with Node 22, opens the web
// workbench in headless Debian Chromium through playwright-core, passing the dev/test paths in the workbench's
// "payload" URL parameter, and exits with the code the tests report through window.codeAutomationExit(code).
//
// UI bridge: the extension-host suite cannot touch the DOM, so it logs a marker line
//     __LENS_UI__ <id> <op> <base64url(JSON request)>
// (see test/editor/suite/ui.js). Extension-host console output reaches the page console in test mode; the shim sees
// it, performs the request with Playwright and writes <LENS_UI_DIR>/<id>.json = { ok, value?, error? }, which the
// suite waits for. Ops: screenshot, waitText, texts, pseudoTexts, html, click, clickAll, clickGutter, resizeSidebar,
// press, command, hover.
//
// Environment knobs:
//   ASYNCIO_LENS_E2E_ROOT     cache root (same default as setup.sh); env.json there has the paths to node/code-server
//   LENS_SCREENSHOTS          where screenshots go (default test/editor/screenshots)
//   LENS_SHIM_TIMEOUT_MS      hard limit for the whole run (default 600000)
//   LENS_SHIM_VERBOSE=1       echo every page console line and workbench log
//   LENS_SHIM_KEEP=1          keep the temp dir (code-server logs, chromium profile) even on success
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const http = require('http');

const REPO = path.resolve(__dirname, '..', '..', '..');
const ROOT = process.env.ASYNCIO_LENS_E2E_ROOT
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asyncio-lens-e2e');
const ENV_JSON = path.join(ROOT, 'env.json');
const SHOTS = path.resolve(process.env.LENS_SCREENSHOTS || path.join(__dirname, '..', 'screenshots'));
const TIMEOUT_MS = Number(process.env.LENS_SHIM_TIMEOUT_MS || 600000);
const VERBOSE = !!process.env.LENS_SHIM_VERBOSE;
const UI_MARK = '__LENS_UI__';

const t0 = Date.now();
const say = (m) => process.stdout.write(`[shim ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

function loadEnv() {
  if (!fs.existsSync(ENV_JSON)) throw new Error(`${ENV_JSON} not found: run test/editor/setup.sh first`);
  const e = JSON.parse(fs.readFileSync(ENV_JSON, 'utf8'));
  return {
    node: process.env.LENS_CS_NODE || e.node,
    csEntry: process.env.LENS_CS_ENTRY || e.csEntry,
    chromium: process.env.LENS_CHROMIUM || e.chromium || '/usr/bin/chromium',
  };
}

function parseArgs(argv) {
  const o = { dev: [], positional: [] };
  const valued = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) { o.positional.push(argv[i]); continue; }
    const key = m[1];
    const val = m[2] !== undefined ? m[2] : (valued.includes(key) ? argv[++i] : true);
    if (key === 'extensionDevelopmentPath') o.dev.push(path.resolve(val));
    else if (key === 'extensionTestsPath') o.tests = path.resolve(val);
    else if (key === 'user-data-dir') o.udd = path.resolve(val);
    else if (key === 'extensions-dir') o.extDir = path.resolve(val);
    // --no-sandbox, --disable-updates, --skip-welcome, ... are Electron-only: ignored
  }
  return o;
}

const freePort = () => new Promise((res, rej) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  s.on('error', rej);
});
const httpStatus = (url) => new Promise((res) => {
  http.get(url, (r) => { r.resume(); res(r.statusCode); }).on('error', () => res(0));
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'debug.openDebug': 'openOnDebugBreak',
  'debug.internalConsoleOptions': 'neverOpen',
  'window.commandCenter': false,
  // the DOM renderer: terminal text is then in the page, where tests can read it
  'terminal.integrated.gpuAcceleration': 'off',
};

// ------------------------------------------------------------------------------------------------ UI operations
function makeUi(page, uiDir) {
  let chain = Promise.resolve(); // requests run one at a time, in the order they were logged
  const seen = new Set();

  async function shot(name) {
    const safe = String(name || 'shot').replace(/[^\w.-]+/g, '_').replace(/\.png$/, '');
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${safe}.png`);
    await page.screenshot({ path: file });
    return file;
  }
  function loc(req) {
    let l = page.locator(req.selector || 'body');
    if (req.text !== undefined) l = l.filter({ hasText: req.text });
    if (req.notText !== undefined) l = l.filter({ hasNotText: req.notText });
    // rows of a tree whose label is exactly req.label (a task name may appear in other rows' descriptions)
    if (req.label !== undefined) l = l.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${req.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
    return l.first();
  }
  async function runCommand(title, timeout) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill('>' + title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout });
    await page.keyboard.press('Enter');
  }

  const ops = {
    async screenshot(req) { return { file: await shot(req.name) }; },
    // wait until an element matching selector (and containing text, if given) is visible
    async waitText(req) {
      const l = loc(req);
      await l.waitFor({ state: 'visible', timeout: req.timeoutMs || 20000 });
      return { text: (await l.innerText()).slice(0, 2000) };
    },
    // write req.touch (a trigger a fixture program waits for), then wait until a row of the view titled req.pane
    // shows req.text, checked on every animation frame in the page (Playwright's own waits back off to 500 ms);
    // { at }: the page's clock (epoch ms) when the row was there
    async touchAndWaitRow(req) {
      const seen = page.waitForFunction(({ pane, text }) => {
        for (const p of document.querySelectorAll('.pane')) {
          const header = p.querySelector('.pane-header');
          if (!header || !header.textContent.includes(pane)) continue;
          for (const row of p.querySelectorAll('.monaco-list-row')) if (row.textContent.includes(text) && row.offsetParent) return Date.now();
        }
        return 0;
      }, { pane: req.pane, text: req.text }, { polling: 'raf', timeout: req.timeoutMs || 20000 });
      fs.writeFileSync(req.touch, 'go\n');
      return { at: await (await seen).jsonValue() };
    },
    // the CSS content of a pseudo-element (req.pseudo, default '::after') of each element matching selector that
    // has one: where the editor draws decorations' after-text
    async pseudoTexts(req) {
      const texts = await page.locator(req.selector).evaluateAll((els, pseudo) => els
        .map((el) => getComputedStyle(el, pseudo).content)
        .filter((c) => c && c !== 'none' && c !== 'normal')
        .map((c) => c.replace(/^"|"$/g, '')), req.pseudo || '::after');
      return { texts: texts.slice(0, req.max || 200) };
    },
    // outer HTML of the first element matching selector (for diagnostics)
    async html(req) {
      return { html: (await loc(req).evaluate((el) => el.outerHTML)).slice(0, req.max || 4000) };
    },
    // inner texts of all elements matching selector (for diagnostics and assertions)
    async texts(req) {
      const all = await page.locator(req.selector).allInnerTexts();
      return { texts: all.map((t) => t.slice(0, 500)).slice(0, req.max || 200) };
    },
    async click(req) {
      const l = loc(req);
      await l.click({ timeout: req.timeoutMs || 15000 });
      return {};
    },
    // click every element matching selector, re-querying after each click (e.g. collapse all expanded panes);
    // no waiting: zero matches is fine
    async clickAll(req) {
      let n = 0;
      // (a hover left over from an earlier step can lie over the elements to click)
      await page.mouse.move(0, 0);
      for (; n < (req.max || 20); n++) {
        const l = page.locator(req.selector);
        if (!(await l.count())) break;
        await l.first().click({ timeout: req.timeoutMs || 5000 });
      }
      return { clicked: n };
    },
    // drag the sash on the side bar's right edge so the side bar is req.width pixels wide
    async resizeSidebar(req) {
      const box = await page.locator('.part.sidebar').first().boundingBox();
      if (!box) throw new Error('the side bar is not visible');
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width - 1, y);
      await page.mouse.down();
      await page.mouse.move(box.x + req.width, y, { steps: 8 });
      await page.mouse.up();
      const after = await page.locator('.part.sidebar').first().boundingBox();
      return { width: after && Math.round(after.width) };
    },
    // click the glyph margin (where breakpoints are set) of line req.line of the active editor, as a user
    // does; req.hoverOnly: only move the mouse there (the editor then shows its faint breakpoint dot)
    async clickGutter(req) {
      const editor = page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
      const number = editor.locator(`.margin-view-overlays .line-numbers:text-is("${Number(req.line)}")`).first();
      await number.waitFor({ state: 'visible', timeout: req.timeoutMs || 15000 });
      const box = await number.boundingBox();
      const glyph = await editor.locator('.glyph-margin').first().boundingBox();
      const x = glyph && glyph.width > 0 ? glyph.x + glyph.width / 2 : box.x - 8;
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y, { steps: 4 });
      if (!req.hoverOnly) await page.mouse.click(x, y, { delay: 60 });
      return { x, y };
    },
    async hover(req) {
      await loc(req).hover({ timeout: req.timeoutMs || 15000 });
      return {};
    },
    async press(req) {
      await page.keyboard.press(req.key);
      return {};
    },
    // run a command from the palette by its title (what a user would do)
    async command(req) {
      await runCommand(req.title, req.timeoutMs || 15000);
      return {};
    },
  };

  function handleLine(text) {
    const i = text.indexOf(UI_MARK);
    if (i < 0) return false;
    const m = /__LENS_UI__ (\S+) (\S+) ([A-Za-z0-9_-]+)/.exec(text.slice(i));
    if (!m) { say(`unparsable UI request: ${text.slice(i, i + 200)}`); return true; }
    const [, id, opName, b64] = m;
    if (seen.has(id)) return true; // the same console line can be forwarded twice
    seen.add(id);
    let req;
    try { req = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')); } catch (e) { req = { op: opName, bad: String(e) }; }
    chain = chain.then(async () => {
      const started = Date.now();
      let result;
      try {
        const fn = ops[req.op];
        if (!fn) throw new Error(`unknown UI op ${req.op}`);
        result = { ok: true, value: await fn(req) };
      } catch (e) {
        // first line only, without Playwright's ANSI colours and call log
        const message = String((e && e.message) || e).replace(/\x1b\[[0-9;]*m/g, '');
        result = { ok: false, error: message.split('\n')[0] };
        // Playwright's call log says what stood in the way (an element intercepting pointer events...)
        const blocker = message.split('\n').reverse().find((l) => /intercepts pointer events|not visible|not stable/.test(l));
        if (blocker) result.error += ` (${blocker.trim()})`;
        try { result.screenshot = await shot(`failed-${id}-${req.op}`); } catch {}
      }
      result.ms = Date.now() - started;
      say(`ui ${id} ${req.op}${req.name ? ' ' + req.name : ''}${req.text ? ' "' + req.text + '"' : ''}${req.key ? ' ' + req.key : ''}` +
        ` -> ${result.ok ? 'ok' : 'FAILED: ' + result.error.split('\n')[0]} (${result.ms} ms)`);
      const tmp = path.join(uiDir, `.${id}.tmp`);
      fs.writeFileSync(tmp, JSON.stringify(result));
      fs.renameSync(tmp, path.join(uiDir, `${id}.json`)); // atomic: the suite never reads half a file
    });
    return true;
  }
  return { handleLine, shot };
}

// ------------------------------------------------------------------------------------------------ main
(async () => {
  const o = parseArgs(process.argv.slice(2));
  const env = loadEnv();
  if (o.dev.length > 1) say(`WARNING: the web payload takes one extensionDevelopmentPath; using ${o.dev[o.dev.length - 1]}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncio-lens-shim-'));
  const udd = o.udd || path.join(tmp, 'user-data');
  const extDir = o.extDir || path.join(tmp, 'extensions');
  const uiDir = path.join(tmp, 'ui');
  for (const d of [path.join(udd, 'User'), extDir, uiDir]) fs.mkdirSync(d, { recursive: true });
  const settingsFile = path.join(udd, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(QUIET_SETTINGS, null, 1));
  const csConfig = path.join(tmp, 'code-server.yaml');
  fs.writeFileSync(csConfig, 'auth: none\ncert: false\n');

  const port = await freePort();
  const folder = o.positional.find((p) => fs.existsSync(p) && fs.statSync(p).isDirectory());
  const csArgs = [env.csEntry, '--config', csConfig, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', udd, '--extensions-dir', extDir, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'];
  const csLogFile = path.join(tmp, 'code-server.log');
  const csLog = fs.openSync(csLogFile, 'a');
  // own process group (detached) so cleanup ends code-server + ext host + watchers by one pid
  const cs = spawn(env.node, csArgs, {
    detached: true, stdio: ['ignore', csLog, csLog],
    env: { ...process.env, LENS_UI_DIR: uiDir, ASYNCIO_LENS_E2E: '1' },
  });
  say(`code-server pid ${cs.pid} port ${port}; logs in ${tmp}`);

  let ctx; let page; let exitCode = 1; let finishing = false;
  const cleanup = async () => {
    try { if (ctx) await Promise.race([ctx.close(), sleep(10000)]); } catch {}
    try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
    // give code-server a moment to take its children down, then make sure
    for (let i = 0; i < 40; i++) { try { process.kill(-cs.pid, 0); } catch { break; } await sleep(100); }
    try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
    if (exitCode === 0 && !process.env.LENS_SHIM_KEEP) { try { fs.rmSync(tmp, { recursive: true, force: true }); } catch {} }
    else {
      if (!process.env.LENS_SHIM_KEEP) { try { fs.rmSync(path.join(tmp, 'chromium-profile'), { recursive: true, force: true }); } catch {} }
      say(`kept ${tmp} (code-server.log${o.udd ? '' : ', user-data/logs/'})`);
    }
  };
  const bail = async (why, code) => {
    if (finishing) return;
    finishing = true;
    say(why); exitCode = code;
    if (page) { try { fs.mkdirSync(SHOTS, { recursive: true }); await page.screenshot({ path: path.join(SHOTS, 'shim-abort.png') }); say(`screenshot ${path.join(SHOTS, 'shim-abort.png')}`); } catch {} }
    await cleanup(); process.exit(code);
  };
  const hardTimer = setTimeout(() => bail(`TIMEOUT: no result after ${TIMEOUT_MS} ms`, 124), TIMEOUT_MS);
  process.on('SIGTERM', () => bail('SIGTERM received', 143));
  process.on('SIGINT', () => bail('SIGINT received', 130));
  cs.on('exit', (code, sig) => { if (!finishing) bail(`code-server exited early (${code ?? sig}); see ${csLogFile}`, 1); });

  try {
    let up = false;
    for (let i = 0; i < 240 && !up; i++) { up = (await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200; if (!up) await sleep(250); }
    if (!up) throw new Error(`code-server did not answer on port ${port} within 60 s; see ${csLogFile}`);
    say('code-server up');
    const authority = `127.0.0.1:${port}`;
    const payload = [];
    if (o.dev.length) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${o.dev[o.dev.length - 1]}`]);
    if (o.tests) payload.push(['extensionTestsPath', `vscode-remote://${authority}${o.tests}`]);
    const url = `http://${authority}/?${folder ? 'folder=' + encodeURIComponent(path.resolve(folder)) : 'ew=true'}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const { chromium } = require(require.resolve('playwright-core', { paths: [REPO, __dirname] }));
    ctx = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
      executablePath: env.chromium, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = ctx.pages()[0] || await ctx.newPage();
    const ui = makeUi(page, uiDir);
    const done = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', async (code) => { say(`codeAutomationExit(${code})`); resolve(code); });
    });
    await page.exposeFunction('codeAutomationLog', (level, msg) => { if (VERBOSE) say(`[workbench ${level}] ${msg}`); });
    page.on('console', (m) => {
      const raw = m.text();
      if (ui.handleLine(raw)) return;
      // "%c  INFO color: #33f <text>" -> "[INFO] <text>"
      const t = raw.replace(/^%c\s*(\w+)\s+color: #\w+\s?/, '[$1] ');
      // (code-server 4.117's built-in git extension cannot load: it lacks @vscode/fs-copyfile. Harmless here.)
      if (VERBOSE || !/Failed to load resource|open-vsx|marketplace|allow-scripts and allow-same-origin|@vscode\/fs-copyfile|unexpected service worker|^\[(TRACE|DEBUG)\]/.test(t)) process.stdout.write(`${t}\n`);
    });
    page.on('pageerror', (e) => say(`pageerror: ${e.message}`));
    // VS Code >= ~1.139 only honours the dev/test payload with developmentOptions.enableSmokeTestDriver; harmless on 1.117.
    await page.addInitScript(() => {
      const orig = Element.prototype.getAttribute;
      Element.prototype.getAttribute = function (name) {
        const v = orig.call(this, name);
        if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && v) {
          try { const c = JSON.parse(v); c.developmentOptions = Object.assign({}, c.developmentOptions, { enableSmokeTestDriver: true }); return JSON.stringify(c); } catch {}
        }
        return v;
      };
    });
    say(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    exitCode = await done;
    if (exitCode !== 0) { try { const f = await ui.shot('final-on-failure'); say(`screenshot ${f}`); } catch {} }
  } catch (e) {
    say(`ERROR ${(e && e.stack) || e}`); exitCode = 1;
  }
  finishing = true;
  clearTimeout(hardTimer);
  await cleanup();
  say(`exit ${exitCode}`);
  process.exit(exitCode);
})().catch((e) => { say(`ERROR ${(e && e.stack) || e}`); process.exit(1); });
