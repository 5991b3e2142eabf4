// Runs every walkthrough snippet on every CPython 3.10+ found and compares its output with a golden file.
//
//   node test/walkthroughs/run-snippets.mjs                 run all snippets on all Pythons
//   node test/walkthroughs/run-snippets.mjs taskgroup gather only snippets whose id contains one of the words
//   node test/walkthroughs/run-snippets.mjs --update        rewrite the golden files from this run
//   node test/walkthroughs/run-snippets.mjs --lens          run each under the Asyncio Lens runtime instead
//                                                           (python runtime/asyncio_lens run snippet.py, as the
//                                                           debug adapter starts it): same goldens, same checks
//   options: --jobs N (parallel runs, default 2), --timeout S (per run, default 30)
//
// A snippet is walkthroughs/<step>/<name>.py (not *_ru.py). Its golden output is <name>.py3XY.out when that file
// exists for the Python running it (output that legitimately differs by version, e.g. "needs Python 3.11+"),
// else <name>.out. The golden holds stdout; a non-zero exit code is appended as a last line "[exit N]".
// Anything on stderr fails the run (warnings such as "coroutine ... was never awaited" included).
// --update makes the newest Python's output the default <name>.out and writes <name>.py3XY.out only for the
// versions whose output differs from it (and deletes such files when they no longer differ).
//
// Static checks, one per snippet: at most MAX_LINES lines; exactly one "# lens: stop here" marker (where the
// debugger will stop once breakpoints exist); a Russian sibling <name>_ru.py with the same code (AST equal,
// docstrings aside) and the marker on the same statement; the step's markdown with its Russian version
// <name>.nls.ru.md (the name VS Code's walkthrough renderer looks for under a Russian display language).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRequired, findPythons } from '../../scripts/pythons.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WALKTHROUGHS = join(ROOT, 'walkthroughs');
const MARKER = '# lens: stop here';
const MAX_LINES = 45;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
};
const flag = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const update = flag('--update');
const underLens = flag('--lens');
if (update && underLens) throw new Error('--update writes goldens from plain runs only; drop --lens');
const jobs = option('--jobs', 2);
const timeoutMs = option('--timeout', 30) * 1000;
const filters = args;

/** @returns {{ id: string, dir: string, name: string, path: string }[]} */
function findSnippets() {
  const snippets = [];
  for (const step of readdirSync(WALKTHROUGHS, { withFileTypes: true })) {
    if (!step.isDirectory()) continue;
    const dir = join(WALKTHROUGHS, step.name);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.py') || file.endsWith('_ru.py')) continue;
      const id = `${step.name}/${file}`;
      if (filters.length && !filters.some((f) => id.includes(f))) continue;
      snippets.push({ id, dir, name: file.slice(0, -3), path: join(dir, file) });
    }
  }
  return snippets.sort((a, b) => a.id.localeCompare(b.id));
}

const tag = (python) => `py${python.minor.replace('.', '')}`;
const goldenPath = (snippet, python) => join(snippet.dir, `${snippet.name}.${tag(python)}.out`);
const defaultGolden = (snippet) => join(snippet.dir, `${snippet.name}.out`);
const readIf = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

function runOnce(snippet, python) {
  return new Promise((resolve) => {
    const env = { ...process.env, PYTHONIOENCODING: 'utf-8' };
    for (const key of Object.keys(env)) {
      if (key.startsWith('PYTHON') && key !== 'PYTHONIOENCODING') delete env[key];
    }
    const started = Date.now();
    const argv = underLens ? [join(ROOT, 'runtime', 'asyncio_lens'), 'run', snippet.path] : [snippet.path];
    const child = spawn(python.path, argv, { cwd: snippet.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      stdout = stdout.replace(/\r\n/g, '\n');
      const exit = code ?? (signal ? `signal ${signal}` : 'unknown');
      const output = exit === 0 ? stdout : `${stdout}${stdout && !stdout.endsWith('\n') ? '\n' : ''}[exit ${exit}]\n`;
      resolve({ output, stderr, timedOut, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function pool(items, size, work) {
  const results = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Compares each snippet with its Russian sibling in one Python process: same code, marker on the same statement. */
const AST_CHECK = String.raw`
import ast, json, sys

def strip(tree):
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and body \
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)

def marked(source):
    return [line.split("#")[0].strip() for line in source.splitlines() if "# lens: stop here" in line]

problems = {}
for en, ru in json.loads(sys.stdin.read()):
    try:
        a, b = open(en, encoding="utf-8").read(), open(ru, encoding="utf-8").read()
        if strip(ast.parse(a)) != strip(ast.parse(b)):
            problems[en] = "its _ru.py sibling has different code (only comments and docstrings may differ)"
        elif marked(a) != marked(b):
            problems[en] = "its _ru.py sibling has the stop marker on another statement"
    except SyntaxError as error:
        problems[en] = "syntax error: %s" % error
print(json.dumps(problems))
`;

function staticChecks(snippets, python) {
  const problems = new Map(snippets.map((s) => [s.id, []]));
  const pairs = [];
  for (const s of snippets) {
    const text = readFileSync(s.path, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_LINES) problems.get(s.id).push(`${lines} lines (at most ${MAX_LINES})`);
    const markers = text.split('\n').filter((l) => l.includes(MARKER)).length;
    if (markers !== 1) problems.get(s.id).push(`${markers} "${MARKER}" markers (exactly 1 wanted)`);
    const ru = join(s.dir, `${s.name}_ru.py`);
    if (existsSync(ru)) pairs.push([s.path, ru]);
    else problems.get(s.id).push(`no Russian sibling ${relative(ROOT, ru)}`);
    const mds = readdirSync(s.dir).filter((f) => f.endsWith('.md') && !f.includes('.nls.'));
    if (!mds.length) problems.get(s.id).push('no step markdown in its folder');
    for (const md of mds) {
      const ruMd = md.replace(/\.md$/, '.nls.ru.md');
      if (!existsSync(join(s.dir, ruMd))) problems.get(s.id).push(`no Russian markdown ${ruMd}`);
    }
  }
  if (python && pairs.length) {
    const run = spawnSync(python.path, ['-c', AST_CHECK], { input: JSON.stringify(pairs), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`AST check failed: ${run.stderr}`);
    for (const [path, problem] of Object.entries(JSON.parse(run.stdout))) {
      problems.get(relative(WALKTHROUGHS, path).split('\\').join('/')).push(problem);
    }
  }
  return problems;
}

function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end>')}, got ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'no difference';
}

async function main() {
  const pythons = findPythons();
  const missing = checkRequired(pythons);
  const snippets = findSnippets();
  if (!snippets.length) {
    console.error(filters.length ? `no snippet matches ${filters.join(', ')}` : 'no snippets found');
    process.exit(2);
  }
  console.log(`${snippets.length} snippets × Pythons ${pythons.map((p) => p.version).join(', ') || '(none)'}` +
    (missing.length ? ` (not found: ${missing.join(', ')})` : '') + `, ${jobs} at a time` +
    (underLens ? ', under the Asyncio Lens runtime' : ''));

  const runs = [];
  for (const s of snippets) for (const p of pythons) runs.push({ snippet: s, python: p });
  const started = Date.now();
  const results = await pool(runs, jobs, async (r) => ({ ...r, ...(await runOnce(r.snippet, r.python)) }));

  if (update) {
    const newest = pythons[pythons.length - 1];
    for (const s of snippets) {
      const mine = results.filter((r) => r.snippet === s && !r.timedOut && !r.stderr);
      const reference = mine.find((r) => r.python === newest);
      if (!reference) continue;
      writeFileSync(defaultGolden(s), reference.output);
      for (const r of mine) {
        if (r.python === newest || r.output === reference.output) {
          if (existsSync(goldenPath(s, r.python))) unlinkSync(goldenPath(s, r.python));
        } else {
          writeFileSync(goldenPath(s, r.python), r.output);
        }
      }
      if (existsSync(goldenPath(s, newest))) unlinkSync(goldenPath(s, newest));
    }
    console.log('golden files updated from this run');
  }

  const problems = staticChecks(snippets, pythons[pythons.length - 1]);
  const failures = [];
  const cell = new Map();
  for (const r of results) {
    const expected = readIf(goldenPath(r.snippet, r.python)) ?? readIf(defaultGolden(r.snippet));
    let failure;
    if (r.timedOut) failure = `timed out after ${timeoutMs / 1000} s`;
    else if (r.stderr) failure = `wrote to stderr:\n${r.stderr.trimEnd()}`;
    else if (expected === undefined) failure = 'no golden file (run with --update)';
    else if (expected !== r.output) failure = `output differs from the golden file, ${firstDifference(expected, r.output)}`;
    if (failure) failures.push(`${r.snippet.id} on Python ${r.python.version}: ${failure}`);
    cell.set(`${r.snippet.id}|${r.python.minor}`, failure ? 'FAIL' : `ok ${r.seconds.toFixed(1)}s`);
  }
  for (const [id, list] of problems) for (const p of list) failures.push(`${id}: ${p}`);

  const width = Math.max(...snippets.map((s) => s.id.length), 7);
  console.log(`\n${'snippet'.padEnd(width)}  ${pythons.map((p) => p.minor.padEnd(9)).join(' ')} checks`);
  for (const s of snippets) {
    const cells = pythons.map((p) => cell.get(`${s.id}|${p.minor}`).padEnd(9)).join(' ');
    console.log(`${s.id.padEnd(width)}  ${cells} ${problems.get(s.id).length ? 'FAIL' : 'ok'}`);
  }
  if (failures.length) console.log(`\nfailures:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  const failedRuns = results.filter((r) => cell.get(`${r.snippet.id}|${r.python.minor}`) === 'FAIL').length;
  const failedChecks = [...problems.values()].filter((list) => list.length).length;
  const total = results.length + snippets.length;
  const failed = failedRuns + failedChecks;
  console.log(`\n${results.length} runs and ${snippets.length} static checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`snippets: ${total - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
