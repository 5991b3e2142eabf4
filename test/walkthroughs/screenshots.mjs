// Manual check of the course in a real VS Code (code-server), in English and in Russian; not part of npm test.
//
//   node test/walkthroughs/screenshots.mjs [step-number…]      default: 6 (TaskGroup) and 14 (wait)
//
// Needs test/editor/setup.sh to have run (code-server, Node 22, Chromium) and a built dist/ (npm run build).
// Packages the extension into a temporary .vsix (no build), serves code-server on 127.0.0.1:$LENS_LOOK_PORT
// (default 18091) with its own user data, once with --locale en and once with --locale ru, opens the course
// with "Asyncio Lens: Open asyncio Course", takes a screenshot of each step asked for, and presses the step's
// Open button, which must open the step's snippet (<name>_ru.py in Russian). Screenshots:
// test/editor/screenshots/walkthrough-<locale>-<step>.png.
//
// VS Code only uses package.nls.ru.json and the *.nls.ru.md files when "ru" is an available display language,
// i.e. when a Russian language pack is installed. With no network, the script makes an empty one (it translates
// nothing of VS Code itself) and records it in languagepacks.json, as VS Code does when it installs a pack.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(REPO, 'package.json'));
const { chromium } = require('playwright-core');
const CACHE = process.env.ASYNCIO_LENS_E2E_ROOT || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asyncio-lens-e2e');
const envFile = path.join(CACHE, 'env.json');
if (!fs.existsSync(envFile)) { console.error(`${envFile} not found: run test/editor/setup.sh first`); process.exit(2); }
const env = JSON.parse(fs.readFileSync(envFile, 'utf8'));
const PORT = Number(process.env.LENS_LOOK_PORT || 18091);
const STEPS = (process.argv.slice(2).length ? process.argv.slice(2) : ['6', '14']).map(Number);
const SHOTS = path.join(REPO, 'test', 'editor', 'screenshots');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-look-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const status = (url) => new Promise((res) => http.get(url, (r) => { r.resume(); res(r.statusCode); }).on('error', () => res(0)));
const vsce = (cwd, out) => {
  const r = spawnSync('npx', ['--prefix', REPO, 'vsce', 'package', '--no-dependencies', '--allow-missing-repository',
    '--skip-license', '--no-rewrite-relative-links', '--out', out], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package in ${cwd} failed:\n${r.stdout}${r.stderr}`);
  return out;
};

function emptyRussianPack() {
  const dir = path.join(WORK, 'ru-pack');
  fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), '{"version":"1.0.0","contents":{}}');
  fs.writeFileSync(path.join(dir, 'README.md'), 'Empty Russian language pack for tests.\n');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'empty-ru-language-pack', publisher: 'test', version: '0.0.1', engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'], description: 'Makes ru an available display language; translates nothing.',
    contributes: { localizations: [{ languageId: 'ru', languageName: 'Russian', localizedLanguageName: 'русский',
      translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  }));
  return vsce(dir, path.join(WORK, 'ru-pack.vsix'));
}

/** The file name of the snippet that step n's Open button opens, in package.json resolved through package.nls*.json. */
function snippetOf(n, locale) {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(path.join(REPO, locale === 'en' ? 'package.nls.json' : `package.nls.${locale}.json`), 'utf8'));
  const step = manifest.contributes.walkthroughs.find((w) => w.id === 'asyncioLens.course').steps[n - 1];
  const description = nls[step.description.replace(/^%|%$/g, '')] ?? step.description;
  const query = /\(command:asyncioLens\.openSnippet\?([^)]*)\)/.exec(description)[1];
  return path.basename(JSON.parse(decodeURIComponent(query))[0]);
}

async function look(locale, lensVsix, ruVsix) {
  const dir = path.join(WORK, locale);
  fs.mkdirSync(path.join(dir, 'udd', 'User'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'udd', 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'chat.disableAIFeatures': true,
    'workbench.welcomePage.walkthroughs.openOnInstall': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' }));
  fs.writeFileSync(path.join(dir, 'cs.yaml'), 'auth: none\ncert: false\n');
  const base = [env.csEntry, '--config', path.join(dir, 'cs.yaml'), '--user-data-dir', path.join(dir, 'udd'), '--extensions-dir', path.join(dir, 'ext')];
  for (const vsix of locale === 'ru' ? [lensVsix, ruVsix] : [lensVsix]) {
    spawnSync(env.node, [...base, '--install-extension', vsix, '--force'], { stdio: 'ignore', timeout: 120000 });
  }
  if (locale === 'ru') {
    fs.writeFileSync(path.join(dir, 'udd', 'languagepacks.json'), JSON.stringify({ ru: { hash: 'empty-ru-0.0.1',
      extensions: [{ extensionIdentifier: { id: 'test.empty-ru-language-pack' }, version: '0.0.1' }],
      translations: { vscode: path.join(dir, 'ext', 'test.empty-ru-language-pack-0.0.1', 'translations', 'main.i18n.json') },
      label: 'русский' } }));
  }
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'w');
  const cs = spawn(env.node, [...base, '--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--locale', locale, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    path.join(REPO, 'examples')], { detached: true, stdio: ['ignore', log, log] });
  const problems = [];
  let browser;
  try {
    for (let i = 0; i < 240 && (await status(`http://127.0.0.1:${PORT}/healthz`)) !== 200; i++) await sleep(250);
    browser = await chromium.launch({ executablePath: env.chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(path.join(REPO, 'examples'))}`, { timeout: 60000 });
    await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60000 });
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    const command = 'Asyncio Lens: Open asyncio Course';
    // Commands register a little after the workbench shows, and the first walkthrough opened in a session may be
    // VS Code's own: retry until the course's steps are there.
    for (const end = Date.now() + 90000; (await steps.count()) < 5;) {
      if (Date.now() > end) throw new Error('the course did not open');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>' + command);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
      try { await row.waitFor({ timeout: 3000 }); await page.keyboard.press('Enter'); } catch { await page.keyboard.press('Escape'); }
      await sleep(2000);
    }
    const titles = await page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts();
    console.log(`[${locale}] ${titles.length} steps: ${titles.slice(0, 3).join(' | ')} …`);
    const openLabel = locale === 'ru' ? 'Открыть пример' : 'Open snippet';
    for (const n of STEPS) {
      await steps.nth(n - 1).click();
      await sleep(2500);
      const shot = path.join(SHOTS, `walkthrough-${locale}-${String(n).padStart(2, '0')}.png`);
      await page.screenshot({ path: shot });
      await page.getByRole('button', { name: openLabel }).locator('visible=true').first().click();
      const expected = snippetOf(n, locale);
      const tab = page.locator('.tabs-container .tab.active', { hasText: expected });
      await tab.waitFor({ timeout: 20000 }).catch(() => {});
      const opened = (await page.locator('.tabs-container .tab.active').first().innerText().catch(() => '')).trim();
      if (opened !== expected) problems.push(`[${locale}] step ${n}: Open opened "${opened || 'nothing'}", not ${expected}`);
      console.log(`[${locale}] step ${n}: "${titles[n - 1]}", Open -> ${opened || 'nothing'}; ${path.relative(REPO, shot)}`);
      await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
      await sleep(1000);
    }
  } finally {
    await browser?.close();
    try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
    await sleep(1000);
    try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
  }
  return problems;
}

fs.mkdirSync(SHOTS, { recursive: true });
const problems = [];
try {
  const lens = vsce(REPO, path.join(WORK, 'asyncio-lens.vsix'));
  const ru = emptyRussianPack();
  for (const locale of ['en', 'ru']) problems.push(...await look(locale, lens, ru));
} catch (error) {
  problems.push(error.message);
}
fs.rmSync(WORK, { recursive: true, force: true });
for (const p of problems) console.log(`FAILED ${p}`);
process.exit(problems.length ? 1 : 0);
