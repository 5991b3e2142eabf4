// npm run editor: try Asyncio Lens in a real VS Code (code-server) in your browser.
//
//   1. test/editor/setup.sh          (idempotent: code-server 4.117 + Node 22 + Chromium into the cache root)
//   2. npm run package               -> asyncio-lens.vsix       (skip with LENS_SKIP_PACKAGE=1)
//   3. installs the .vsix into <cache root>/serve/extensions
//   4. serves code-server on http://127.0.0.1:<port>/ (--auth none) with examples/ open, until Ctrl+C,
//      then stops code-server's whole process group.
//
// Port: $ASYNCIO_LENS_PORT, else $PORT, else 18080. Cache root: $ASYNCIO_LENS_E2E_ROOT, else
// ${XDG_CACHE_HOME:-~/.cache}/asyncio-lens-e2e. `node scripts/editor.mjs --smoke` starts, opens the workbench in
// headless Chromium, runs the extension's "Open asyncio Course" command from the palette, and stops (for CI).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = process.env.ASYNCIO_LENS_E2E_ROOT || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asyncio-lens-e2e');
const PORT = Number(process.env.ASYNCIO_LENS_PORT || process.env.PORT || 18080);
const SMOKE = process.argv.includes('--smoke');
const VSIX = path.join(REPO, 'asyncio-lens.vsix');
const EXT_ID = 'asyncio-lens.asyncio-lens';
const log = (m) => console.log(`[editor] ${m}`);
const die = (m) => { console.error(`[editor] ERROR: ${m}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args, what, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', ...opts });
  if (r.status !== 0) die(`${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
  return r;
}
const status = (url) => new Promise((res) => { http.get(url, (r) => { r.resume(); res(r.statusCode); }).on('error', () => res(0)); });

// --smoke: open the served workbench in headless Chromium, run "Asyncio Lens: Open asyncio Course" from the command
// palette (proves the installed .vsix activates) and save test/editor/screenshots/served-course.png.
async function smoke(url) {
  const { createRequire } = await import('node:module');
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  const browser = await chromium.launch({ executablePath: env.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const shots = path.join(REPO, 'test', 'editor', 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  let page; let step = 'open the workbench';
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60000 });
    const title = 'Asyncio Lens: Open asyncio Course';
    step = `find "${title}" in the command palette`;
    // The palette lists the commands known when it opens, and extensions register a little after the workbench
    // shows: reopen it until the command is there (60 s deadline).
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (const end = Date.now() + 60000; ;) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 15000 });
      await input.fill('>' + title);
      try { await row.waitFor({ timeout: 3000 }); break; } catch (e) { if (Date.now() > end) throw e; }
      await page.keyboard.press('Escape');
    }
    await page.keyboard.press('Enter');
    step = 'see the course walkthrough open';
    try {
      await page.locator('.gettingStartedContainer', { hasText: 'Learn asyncio with Asyncio Lens' }).first().waitFor({ timeout: 20000 });
    } catch (e) {
      const tab = await page.locator('.tabs-container .tab.active').first().innerText().catch(() => '?');
      throw new Error(`the active tab is "${tab.trim()}", not the course. ${e.message}`);
    }
    await page.screenshot({ path: path.join(shots, 'served-course.png') });
    log(`smoke: ${url} serves the workbench; "${title}" opened the course (test/editor/screenshots/served-course.png)`);
    return true;
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(shots, 'served-smoke-failed.png') }).catch(() => {});
    throw new Error(`could not ${step} (screenshot test/editor/screenshots/served-smoke-failed.png): ${e.message}`);
  } finally {
    await browser.close();
  }
}

run('bash', [path.join(REPO, 'test', 'editor', 'setup.sh')], 'test/editor/setup.sh');
const env = JSON.parse(fs.readFileSync(path.join(ROOT, 'env.json'), 'utf8'));

if (process.env.LENS_SKIP_PACKAGE && fs.existsSync(VSIX)) log(`LENS_SKIP_PACKAGE: using ${VSIX}`);
else { log('npm run package'); run('npm', ['run', '--silent', 'package'], 'npm run package'); }
if (!fs.existsSync(VSIX)) die(`${VSIX} was not produced`);

const serveDir = path.join(ROOT, 'serve');
const udd = path.join(serveDir, 'user-data');
const extDir = path.join(serveDir, 'extensions');
fs.mkdirSync(path.join(udd, 'User'), { recursive: true });
fs.mkdirSync(extDir, { recursive: true });
const settings = path.join(udd, 'User', 'settings.json');
if (!fs.existsSync(settings)) {
  fs.writeFileSync(settings, JSON.stringify({
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false, 'update.mode': 'none', 'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 1));
}
const csConfig = path.join(serveDir, 'code-server.yaml');
fs.writeFileSync(csConfig, 'auth: none\ncert: false\n');
const base = [env.csEntry, '--config', csConfig, '--user-data-dir', udd, '--extensions-dir', extDir];

log(`installing ${path.basename(VSIX)} into ${extDir}`);
run(env.node, [...base, '--install-extension', VSIX, '--force'], 'code-server --install-extension', { timeout: 120000 });
const listed = spawnSync(env.node, [...base, '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60000 });
const installed = (listed.stdout || '').split('\n').find((l) => l.toLowerCase().startsWith(EXT_ID));
if (!installed) die(`${EXT_ID} is not listed after installing: ${listed.stdout}${listed.stderr}`);
log(`installed ${installed}`);

const folder = path.join(REPO, 'examples');
const logFile = path.join(serveDir, 'code-server.log');
const out = fs.openSync(logFile, 'w');
// detached = own process group, so stopping ends code-server, its extension host and watchers by one pid
const cs = spawn(env.node, [...base, '--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--disable-telemetry',
  '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', folder],
{ detached: true, stdio: ['ignore', out, out] });
let stopping = false;
const groupAlive = () => { try { process.kill(-cs.pid, 0); return true; } catch { return false; } };
const stop = async (code) => {
  if (stopping) return; stopping = true;
  log('stopping code-server');
  try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
  // the extension host may outlive code-server's main process: wait for the whole group, then make sure
  for (let i = 0; i < 50 && groupAlive(); i++) await sleep(100);
  try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
  process.exit(code);
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
cs.on('exit', (code, sig) => { if (!stopping) die(`code-server exited (${code ?? sig}); see ${logFile}`); });

let up = false;
for (let i = 0; i < 240 && !up && !stopping; i++) { up = (await status(`http://127.0.0.1:${PORT}/healthz`)) === 200; if (!up) await sleep(250); }
if (!up) { console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')); stop(1); }
else {
  const url = `http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(folder)}`;
  if (SMOKE) {
    let ok = false;
    try { ok = await smoke(url); } catch (e) { log(`smoke FAILED: ${e.message.split('\n')[0]}`); }
    stop(ok ? 0 : 1);
  } else {
    console.log(`\nAsyncio Lens in VS Code (code-server ${env.csVersion}): ${url}\n(logs: ${logFile}; Ctrl+C to stop)\n`);
  }
}
