// The lint corpus run: asyncio code nobody here wrote, through the built language server, Ruff's wasm build
// (flake8-async ASYNC + RUF006) and pyright, side by side: findings per rule, overlap, time, and the verdicts
// judged by hand (bench/lint-corpus-verdicts.tsv) turned into a wrong-findings rate per rule.
//   node bench/lint-corpus.mjs [--corpus DIR] [--runs N] [--warm] [--list] [--unjudged] [--missed] [--slowest] [--no-ruff] [--no-pyright]
// Without --corpus the Debian packages below are downloaded (apt-get download) and unpacked (dpkg-deb -x) into a
// new temporary folder, and Ruff's wasm build is installed there with npm; nothing lands in the repository. Pass
// that folder back with --corpus to skip the download. --list prints every finding; --unjudged only those
// without a verdict (each with its line, ready to judge).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lsp-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const CPYTHON = '3.11';
/** Debian bookworm's asyncio libraries, the aiohttp examples (python-aiohttp-doc), and CPython's asyncio and its tests. */
const PACKAGES = [
  'python3-aiohttp', 'python-aiohttp-doc', 'python3-anyio', 'python3-httpx', 'python3-httpcore', 'python3-websockets',
  'python3-aiofiles', 'python3-uvicorn', 'python3-starlette', 'python3-trio', 'python3-aiosqlite', 'python3-asyncpg',
  'python3-aioredis', 'python3-aiostream', `libpython${CPYTHON}-stdlib`, `libpython${CPYTHON}-testsuite`,
];
const RUFF_PACKAGE = '@astral-sh/ruff-wasm-nodejs';
/** Folders of the unpacked tree that make the corpus, with the short name each file is reported under. */
const SOURCES = [
  ['usr/lib/python3/dist-packages', ''],
  [`usr/lib/python${CPYTHON}/asyncio`, 'asyncio'],
  [`usr/lib/python${CPYTHON}/test/test_asyncio`, 'test/test_asyncio'],
  ['usr/share/doc/python3-aiohttp/examples', 'aiohttp-examples'],
];
/** Which of our codes answers pyright's rule (Ruff's codes are mapped through the catalog's aliases). */
const PYRIGHT_RULE = { reportUnusedCoroutine: 'ALENS002' };

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const corpus = option('--corpus') ?? prepareCorpus(mkdtempSync(join(tmpdir(), 'lint-corpus-')));

function run(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

function prepareCorpus(dir) {
  console.log(`corpus folder: ${dir} (temporary; pass it back with --corpus to reuse it)`);
  mkdirSync(join(dir, 'debs'));
  try {
    run('apt-get', ['download', ...PACKAGES], join(dir, 'debs'));
  } catch (err) {
    throw new Error(`${err.message}\n(run \`apt-get update\` once if the package lists are missing)`);
  }
  for (const deb of readdirSync(join(dir, 'debs'))) run('dpkg-deb', ['-x', join(dir, 'debs', deb), join(dir, 'tree')]);
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', join(dir, 'ruff'), RUFF_PACKAGE], dir);
  return dir;
}

function pythonFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pythonFiles(path);
    return name.endsWith('.py') ? [path] : [];
  });
}

const files = SOURCES.flatMap(([folder, short]) => {
  const base = join(corpus, 'tree', folder);
  // CPython's own test/ and asyncio/ folders are listed on their own; dist-packages is taken whole.
  return pythonFiles(base).map((path) => ({ path, name: join(short, relative(base, path)), text: readFileSync(path, 'utf8') }));
});
const totalLines = files.reduce((sum, file) => sum + file.text.split('\n').length, 0);
console.log(`${files.length} files, ${totalLines} lines`);

// --- Asyncio Lens, through the built server over stdio, with the server's own timing of each analysis. With
// --runs N the whole pass runs N times, each with a fresh server (cold caches), and the fastest counts: the
// machine is shared, and the slower runs measure the neighbours.
// The unpacked packages are the environment's site-packages, as pyright gets them below (extraPaths).
const sitePackages = join(corpus, 'tree', 'usr/lib/python3/dist-packages');
const runs = Number(option('--runs') ?? 1);
let ours = [];
let serverMs = Infinity;
let oursWallMs = Infinity;
let perFile = [];
let serverCpu;
let analysisCpuMs;
let warmCpuMs;
for (let run = 0; run < runs; run++) {
  const server = await startServer({ debounceMs: 0, reportTiming: true, lint: { extraPaths: [sitePackages] } });
  const pass = async () => {
    const found = [];
    const timings = [];
    let ms = 0;
    let cpuMs = 0;
    const wallStart = performance.now();
    for (const file of files) {
      const uri = pathToFileURL(file.path).href;
      const { diagnostics } = await server.open(uri, file.text);
      const timing = await server.timingFor(1);
      server.timings.length = 0;
      ms += timing.parseMs + timing.indexMs + timing.rulesMs;
      cpuMs += timing.cpuMs ?? NaN;
      timings.push({ name: file.name, ms: timing.parseMs + timing.indexMs + timing.rulesMs, rulesMs: timing.rulesMs });
      await server.close(uri);
      for (const d of diagnostics) found.push({ file: file.name, line: d.range.start.line + 1, code: d.code, message: d.message });
    }
    return { found, timings, ms, cpuMs, wall: performance.now() - wallStart };
  };
  const { found, timings, ms, cpuMs, wall } = await pass();
  const cpu = serverCpuSeconds();
  // --warm: the same files again in the same server, as in an editor session where the imported modules are read.
  const warm = args.includes('--warm') ? await pass() : undefined;
  await server.stop();
  if (runs > 1) console.log(`run ${run + 1}: ${(ms / 1000).toFixed(2)} s in the server, ${(cpuMs / 1000).toFixed(2)} CPU s of it, ${(wall / 1000).toFixed(2)} s end to end, ${cpu?.toFixed(2)} CPU s the whole server${warm ? `; warm pass ${(warm.cpuMs / 1000).toFixed(2)} CPU s` : ''}`);
  ours = found;
  if (ms < serverMs) [serverMs, oursWallMs, perFile] = [ms, wall, timings];
  if (cpu !== undefined && !(cpu >= serverCpu)) serverCpu = cpu;
  if (!(cpuMs >= analysisCpuMs)) analysisCpuMs = cpuMs;
  if (warm && !(warm.cpuMs >= warmCpuMs)) warmCpuMs = warm.cpuMs;
}

/**
 * CPU time the server process used (Linux: /proc), start-up included: unlike clock time it hardly depends on what
 * else the shared machine runs.
 */
function serverCpuSeconds() {
  try {
    const pid = spawnSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('languageServer.js'));
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

// --- Ruff (wasm), flake8-async and RUF006 only, file by file in this process.
let ruff = [];
let ruffMs = NaN;
let ruffVersion = '';
if (!args.includes('--no-ruff')) {
  const require = createRequire(import.meta.url);
  const wasm = require(join(corpus, 'ruff', 'node_modules', RUFF_PACKAGE, 'ruff_wasm.js'));
  ruffVersion = wasm.Workspace.version();
  const workspace = new wasm.Workspace({ 'target-version': `py${CPYTHON.replace('.', '')}`, lint: { select: ['ASYNC', 'RUF006'] } }, wasm.PositionEncoding.Utf16);
  const start = performance.now();
  for (const file of files) {
    for (const d of workspace.check(file.text)) ruff.push({ file: file.name, line: d.start_location.row, code: d.code, message: d.message });
  }
  ruffMs = performance.now() - start;
  ruff = ruff.filter((d) => d.code);
}

// --- pyright on the same files, as one project that can import the unpacked packages (the aiohttp examples need them).
let pyright = [];
let pyrightMs = NaN;
let pyrightVersion = '';
if (!args.includes('--no-pyright')) {
  const byPath = new Map(files.map((file) => [file.path, file.name]));
  const config = join(corpus, 'pyrightconfig.json');
  writeFileSync(config, JSON.stringify({
    include: SOURCES.map(([folder]) => join('tree', folder)),
    extraPaths: [join('tree', 'usr/lib/python3/dist-packages'), join('tree', `usr/lib/python${CPYTHON}`)],
    pythonVersion: CPYTHON,
    typeCheckingMode: 'basic',
  }));
  const start = performance.now();
  const result = spawnSync(process.execPath, [join(repo, 'node_modules', 'pyright', 'index.js'), '--outputjson', '-p', config], { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 30 });
  pyrightMs = performance.now() - start;
  const report = JSON.parse(result.stdout);
  pyrightVersion = report.version;
  pyright = report.generalDiagnostics
    .filter((d) => d.rule in PYRIGHT_RULE && byPath.has(d.file))
    .map((d) => ({ file: byPath.get(d.file), line: d.range.start.line + 1, code: d.rule, message: d.message }));
}

// --- Verdicts judged by hand: code, file:line, verdict (right / wrong / debatable), the flagged line, why.
const verdictsPath = join(here, 'lint-corpus-verdicts.tsv');
const verdicts = new Map();
if (existsSync(verdictsPath)) {
  for (const row of readFileSync(verdictsPath, 'utf8').split('\n')) {
    if (!row.trim() || row.startsWith('#')) continue;
    const [code, where, verdict, line, why] = row.split('\t');
    verdicts.set(`${code} ${where}`, { verdict, line, why });
  }
}
const sourceLine = (finding) => files.find((f) => f.name === finding.file).text.split('\n')[finding.line - 1].trim();
const verdictOf = (finding) => {
  const judged = verdicts.get(`${finding.code} ${finding.file}:${finding.line}`);
  // A verdict holds only for the line it was given on: another package version moves lines.
  return judged && judged.line === sourceLine(finding) ? judged.verdict : undefined;
};

// Ruff's codes for our rules, read from the rule catalog (the one place that lists them).
const catalogText = readFileSync(join(repo, 'language-server', 'rules', 'catalog.ts'), 'utf8');
const aliases = new Map([...catalogText.matchAll(/(ALENS\d+): \{[^}]*aliases: \[([^\]]*)\]/g)].flatMap(([, ours, list]) =>
  [...list.matchAll(/'([A-Z]+\d+)'/g)].map(([, theirs]) => [theirs, ours])));
const aliasOf = (code) => PYRIGHT_RULE[code] ?? aliases.get(code);

if (args.includes('--list') || args.includes('--unjudged')) {
  for (const f of ours) {
    const verdict = verdictOf(f);
    if (args.includes('--unjudged') && verdict) continue;
    console.log(`${f.code}\t${f.file}:${f.line}\t${verdict ?? '?'}\t${sourceLine(f)}\t${f.message}`);
  }
  if (args.includes('--list')) for (const f of [...ruff, ...pyright]) console.log(`${f.code}\t${f.file}:${f.line}\t\t${sourceLine(f)}\t${f.message}`);
}

// --- Findings per rule, with the judged rates.
const perRule = new Map();
for (const f of ours) {
  const row = perRule.get(f.code) ?? { findings: 0, right: 0, wrong: 0, debatable: 0, unjudged: 0 };
  row.findings++;
  const verdict = verdictOf(f);
  row[verdict === 'right' || verdict === 'wrong' || verdict === 'debatable' ? verdict : 'unjudged']++;
  perRule.set(f.code, row);
}
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');
console.log('\nAsyncio Lens, findings per rule (verdicts from bench/lint-corpus-verdicts.tsv)');
console.log('rule      findings  right  wrong  debatable  unjudged  wrong %');
const total = { findings: 0, right: 0, wrong: 0, debatable: 0, unjudged: 0 };
for (const [code, row] of [...perRule].sort()) {
  for (const key of Object.keys(total)) total[key] += row[key];
  console.log(`${code}  ${String(row.findings).padStart(8)}  ${String(row.right).padStart(5)}  ${String(row.wrong).padStart(5)}  ${String(row.debatable).padStart(9)}  ${String(row.unjudged).padStart(8)}  ${pct(row.wrong, row.findings).padStart(7)}`);
}
console.log(`total     ${String(total.findings).padStart(8)}  ${String(total.right).padStart(5)}  ${String(total.wrong).padStart(5)}  ${String(total.debatable).padStart(9)}  ${String(total.unjudged).padStart(8)}  ${pct(total.wrong, total.findings).padStart(7)}`);

// --- Side by side: counts per code, and overlap on the same line for the codes that mean the same mistake.
const count = (list) => list.reduce((map, f) => map.set(f.code, (map.get(f.code) ?? 0) + 1), new Map());
const key = (f, code = f.code) => `${code} ${f.file}:${f.line}`;
const oursKeys = new Set(ours.map((f) => key(f)));
for (const [tool, list, skipped] of [[`Ruff ${ruffVersion}`, ruff, '--no-ruff'], [`pyright ${pyrightVersion}`, pyright, '--no-pyright']]) {
  if (args.includes(skipped)) continue;
  console.log(`\n${tool}: findings per rule, and how many Asyncio Lens reports on the same line under the matching code`);
  for (const [code, n] of [...count(list)].sort()) {
    const mapped = aliasOf(code);
    const both = mapped ? list.filter((f) => f.code === code && oursKeys.has(key(f, mapped))).length : 0;
    console.log(`${code.padEnd(22)}${String(n).padStart(5)}   ${mapped ? `${mapped}: ${both} also ours, ${n - both} only theirs` : 'no matching rule'}`);
    if (mapped && n - both > 0 && args.includes('--missed')) {
      for (const f of list.filter((f) => f.code === code && !oursKeys.has(key(f, mapped)))) console.log(`    missed ${f.file}:${f.line}  ${sourceLine(f)}`);
    }
  }
}

if (args.includes('--slowest')) {
  console.log('\nslowest files in the server (ms: all, rules)');
  for (const f of perFile.sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`${f.ms.toFixed(1).padStart(8)} ${f.rulesMs.toFixed(1).padStart(8)}  ${f.name}`);
}
const rate = (ms) => `${Math.round(totalLines / (ms / 1000)).toLocaleString('en')} lines/s`;
console.log('\ntime');
console.log(`Asyncio Lens: ${(serverMs / 1000).toFixed(2)} s in the server (parse + index + rules: ${rate(serverMs)}), ${(oursWallMs / 1000).toFixed(2)} s end to end over LSP (${rate(oursWallMs)})`);
if (analysisCpuMs >= 0) console.log(`Asyncio Lens analyses: ${(analysisCpuMs / 1000).toFixed(2)} CPU s (parse + index + rules: ${rate(analysisCpuMs)} of CPU time)`);
if (warmCpuMs >= 0) console.log(`Asyncio Lens analyses, warm pass (imported modules already read): ${(warmCpuMs / 1000).toFixed(2)} CPU s (${rate(warmCpuMs)} of CPU time)`);
if (serverCpu !== undefined) console.log(`Asyncio Lens server process: ${serverCpu.toFixed(2)} CPU s in all, start-up and LSP included (${rate(serverCpu * 1000)} of CPU time)`);
if (!args.includes('--no-ruff')) console.log(`Ruff (wasm, ASYNC + RUF006): ${(ruffMs / 1000).toFixed(2)} s (${rate(ruffMs)})`);
if (!args.includes('--no-pyright')) console.log(`pyright (whole type check, one process): ${(pyrightMs / 1000).toFixed(2)} s (${rate(pyrightMs)})`);
