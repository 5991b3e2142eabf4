// npm run test:editor: the in-editor tests of Asyncio Lens in a real VS Code (code-server + headless Chromium).
//
//   1. test/editor/setup.sh     (idempotent; installs code-server, Node 22, Chromium into the cache root on first use)
//   2. npm run build, then a private copy of the files the .vsix would ship (`vsce ls`) in a temp dir
//      (skip the build with LENS_SKIP_BUILD=1)
//   3. runTests() from @vscode/test-electron with the code-server shim as the "VS Code executable",
//      that copy as extensionDevelopmentPath, test/editor/suite as extensionTestsPath, test/editor/workspace open.
//   4. prints one line per test and, alone on the last line, "editor: N passed, N failed".
//
// Knobs: ASYNCIO_LENS_E2E_ROOT (cache root), LENS_ONLY=<regex> (run matching tests only), LENS_SHIM_VERBOSE=1,
//        LENS_TESTS_PATH (another suite, e.g. bench/editor/taskToRow.js; it writes LENS_RESULT the same way),
//        LENS_SHIM_KEEP=1 (keep code-server logs), LENS_EXTENSION_PATH (another extension dir; implies no build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { findPythons } from '../../scripts/pythons.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(import.meta.url);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (m) => console.log(`[editor ${secs()}s] ${m}`);

function finish(passed, failed, code) {
  console.log(`[editor] total ${secs()} s`);
  console.log(`editor: ${passed} passed, ${failed} failed`);
  process.exit(code);
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[editor] ${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
    finish(0, 1, 1);
  }
}

log('setup');
run('bash', [path.join(HERE, 'setup.sh')], 'test/editor/setup.sh');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncio-lens-editor-'));

// The extension under test is a private copy of what the .vsix would ship (`vsce ls`: package.json, dist/,
// walkthroughs/, ...), staged right after the build: other people's builds empty dist/ (esbuild.mjs starts with
// rm -rf dist), and a run takes long enough to be hit by one.
function stage() {
  const vsce = path.join(REPO, 'node_modules', '.bin', 'vsce');
  const ls = spawnSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8', timeout: 60000 });
  if (ls.status !== 0) throw new Error(`vsce ls failed: ${ls.stderr || ls.error}`);
  const files = ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const dir = path.join(work, 'extension');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!pkg.main || !fs.existsSync(path.join(dir, pkg.main))) throw new Error(`package.json main ${pkg.main} is not among the shipped files`);
  return { dir, count: files.length };
}

let devPath;
if (process.env.LENS_EXTENSION_PATH) {
  devPath = path.resolve(process.env.LENS_EXTENSION_PATH);
  log(`using extension at ${devPath} (LENS_EXTENSION_PATH), no build`);
} else {
  for (let attempt = 1; !devPath; attempt++) {
    if (process.env.LENS_SKIP_BUILD) log('LENS_SKIP_BUILD set: using the existing dist/');
    else { log('npm run build'); run('npm', ['run', '--silent', 'build'], 'npm run build'); }
    try {
      const st = stage();
      devPath = st.dir;
      log(`staged ${st.count} shipped files in ${devPath}`);
    } catch (e) {
      if (attempt >= 3 || process.env.LENS_SKIP_BUILD) { console.error(`[editor] cannot stage the extension: ${e.message}`); finish(0, 1, 1); }
      log(`staging failed (${e.message}); a concurrent build? building again`);
    }
  }
}
const pkg = JSON.parse(fs.readFileSync(path.join(devPath, 'package.json'), 'utf8'));
const main = pkg.main && path.resolve(devPath, pkg.main);
if (!main || !fs.existsSync(main)) {
  console.error(`[editor] ${devPath}/package.json main is ${pkg.main}, which does not exist (did the build run?)`);
  finish(0, 1, 1);
}

const shots = path.join(HERE, 'screenshots');
fs.rmSync(shots, { recursive: true, force: true }); // only this run's screenshots
const resultFile = path.join(work, 'result.json');
const workspace = path.join(HERE, 'workspace');
for (const stop of ['tasks_fixture.stop', 'new_user.stop']) { try { fs.unlinkSync(path.join(workspace, stop)); } catch {} }

// The CPython 3.14 the editor tier debugs and attaches to (see suite/python314.js).
const python314 = findPythons().find((p) => p.minor === '3.14')?.path;
log(python314 ? `CPython 3.14 for the editor tier: ${python314}` : 'no CPython 3.14 found: the 3.14 tests will fail');

const { runTests } = require('@vscode/test-electron');
let code;
try {
  log('runTests (code-server shim)');
  code = await runTests({
    vscodeExecutablePath: path.join(HERE, 'shim', 'code-server-shim.js'),
    extensionDevelopmentPath: devPath,
    extensionTestsPath: process.env.LENS_TESTS_PATH ? path.resolve(process.env.LENS_TESTS_PATH) : path.join(HERE, 'suite', 'index.js'),
    launchArgs: [workspace, `--user-data-dir=${path.join(work, 'user-data')}`, `--extensions-dir=${path.join(work, 'extensions')}`],
    extensionTestsEnv: { LENS_RESULT: resultFile, LENS_PYTHON_314: python314 ?? '' },
  });
} catch (e) {
  code = typeof e.code === 'number' ? e.code : 1;
  console.error(`[editor] ${e.message}`);
}

let results = [];
if (fs.existsSync(resultFile)) results = JSON.parse(fs.readFileSync(resultFile, 'utf8')).results;
else console.error('[editor] the suite wrote no result file (it did not run to the end; see the log above)');
const passed = results.filter((r) => r.ok).length;
let failed = results.length - passed;
console.log('');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}  (${r.ms} ms)${r.ok ? '' : '\n      ' + r.error.split('\n')[0].slice(0, 600)}`);
if (!results.length || (code !== 0 && failed === 0)) failed += 1; // a run that did not report is a failure
if (fs.existsSync(shots)) console.log(`[editor] screenshots: ${path.relative(REPO, shots)}/ (${fs.readdirSync(shots).filter((f) => f.endsWith('.png')).join(', ')})`);
if (failed) {
  const logs = path.join(work, 'user-data', 'logs');
  const lensLogs = [];
  const walk = (d) => { for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else if (/Asyncio Lens|exthost\.log|remoteexthost\.log/i.test(e.name)) lensLogs.push(f); } };
  walk(logs);
  console.log(`[editor] kept ${work}; VS Code logs under ${logs}`);
  for (const f of lensLogs) console.log(`[editor]   ${f}`);
} else {
  try { fs.rmSync(work, { recursive: true, force: true }); } catch {}
}
finish(passed, failed, failed ? 1 : 0);
