// `npm run test:python`: the runtime's pytest suite on every CPython 3.10+ found on this machine.
//
// Interpreters come from scripts/pythons.mjs (python3.X and python3 on PATH, pyenv's versions
// under PYENV_ROOT / `pyenv root` / ~/.pyenv; one per minor version). For each: make sure pytest
// imports (else `python -m pip install -q pytest`), then run `python -m pytest -c runtime/pytest.ini runtime/tests -q`
// from the repository root with PYTHONPATH=runtime, streaming its output. A table of versions and
// pytest's own closing lines follows. Exit status 1 if any run fails, if no interpreter is found,
// or (with CI set) if any of 3.10–3.15 is missing. No dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIRED_IN_CI, findPythons } from './pythons.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME = join(ROOT, 'runtime');

function hasPytest(python) {
  const r = spawnSync(python, ['-c', 'import pytest'], { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

/** The package index to name: PIP_INDEX_URL, else the first one pip is configured with. The default
 * index may be unreachable (pip then retries it for ~40 s a call), so it is never left implicit. */
function localIndex(python) {
  if (process.env.PIP_INDEX_URL) return process.env.PIP_INDEX_URL;
  const r = spawnSync(python, ['-m', 'pip', 'config', 'get', 'global.extra-index-url'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim().split(/\s+/)[0] || undefined : undefined;
}

function pip(python, args) {
  const index = localIndex(python);
  const r = spawnSync(python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...(index ? ['--index-url', index] : []), ...args], {
    stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000,
  });
  return r.status === 0;
}

/** Installs pytest when missing. On 3.10 a mirror may lack tomli for it: pytest only needs tomli
 * to read TOML config files, and runtime/pytest.ini is INI, so its other dependencies suffice. */
function ensurePytest({ path, minor }) {
  if (hasPytest(path)) return true;
  console.log(`pytest is missing for ${path}: installing it`);
  if (pip(path, ['pytest']) && hasPytest(path)) return true;
  if (minor === '3.10') {
    console.log('retrying without tomli (pytest reads runtime/pytest.ini, an INI file)');
    pip(path, ['--no-deps', 'pytest', 'iniconfig', 'packaging', 'pluggy', 'pygments', 'exceptiongroup', 'typing_extensions']);
  }
  return hasPytest(path);
}

/** uvloop, where this Python can get a wheel, so the runtime's uvloop test runs instead of skipping. */
function ensureUvloop({ path, version }) {
  if (spawnSync(path, ['-c', 'import uvloop'], { stdio: 'ignore', timeout: 60_000 }).status === 0) return;
  if (!pip(path, ['--retries', '0', '--timeout', '10', 'uvloop'])) console.log(`uvloop is not available for CPython ${version}: its test will be skipped there`);
}

/** Runs pytest, streaming its output; resolves to { status, closing, seconds }. */
function runPytest(python) {
  return new Promise((done) => {
    const started = Date.now();
    const env = { ...process.env, PYTHONPATH: [RUNTIME, process.env.PYTHONPATH].filter(Boolean).join(delimiter) };
    delete env.ASYNCIO_LENS_TOKEN;
    // -c names the config file: without it pytest 9 also opens runtime/pyproject.toml, which
    // needs tomli on 3.10, and a mirror may have no tomli for 3.10.
    const child = spawn(python, ['-m', 'pytest', '-c', 'runtime/pytest.ini', 'runtime/tests', '-q'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk, stream) => {
      stream.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', (c) => keep(c, process.stdout));
    child.stderr.on('data', (c) => keep(c, process.stderr));
    child.on('error', (err) => {
      tail += `\n${err.message}`;
    });
    child.on('close', (code, signal) => {
      const lines = tail.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      const closing = [...lines].reverse().find((l) => /\b(passed|failed|error|errors|skipped|no tests ran)\b/.test(l)) ?? lines.at(-1) ?? '';
      done({ status: code ?? signal, closing, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const pythons = findPythons();
const results = [];
for (const py of pythons) {
  console.log(`\n=== CPython ${py.version} (${py.path})`);
  ensureUvloop(py);
  if (!ensurePytest(py)) {
    results.push({ ...py, ok: false, closing: 'pytest could not be installed', seconds: 0 });
    continue;
  }
  const r = await runPytest(py.path);
  results.push({ ...py, ok: r.status === 0, closing: r.closing, seconds: r.seconds, status: r.status });
}

const missing = REQUIRED_IN_CI.filter((m) => !pythons.some((p) => p.minor === m));
console.log('\npython    result   time     pytest');
for (const r of results) {
  console.log(`${r.version.padEnd(10)}${(r.ok ? 'passed' : 'FAILED').padEnd(9)}${`${r.seconds.toFixed(1)} s`.padEnd(9)}${r.closing}`);
}
for (const m of missing) console.log(`${m.padEnd(10)}${'missing'.padEnd(9)}${''.padEnd(9)}not found (scripts/get-cpython.sh installs 3.14 and 3.15)`);

const failed = results.filter((r) => !r.ok);
let exit = failed.length ? 1 : 0;
if (!pythons.length) {
  console.error('no CPython 3.10+ found (looked on PATH and under pyenv)');
  exit = 1;
}
if (process.env.CI && missing.length) {
  console.error(`CI needs CPython ${missing.join(', ')}: not found`);
  exit = 1;
}
console.log(`\npython versions that passed: ${results.length - failed.length} of ${results.length}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
process.exit(exit);
