// Time from a task appearing in the program to its row in the Async Tasks view of a real VS Code, at 10 and 10,000
// live tasks (goal ≤ 250 ms). Runs bench/editor/taskToRow.js through test/editor/runEditorTests.mjs (code-server +
// Chromium; test/editor/setup.sh installs them on first use). Usage: node bench/task-to-row.mjs [probes=20]
// Prints, per size, the median and worst of: creation → the view's model has it, creation → its row is visible.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const figures = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lens-bench-')), 'figures.json');
const env = { ...process.env, LENS_TESTS_PATH: path.join(repo, 'bench', 'editor', 'taskToRow.js'), LENS_FIGURES: figures, LENS_PROBES: process.argv[2] || '20' };
const r = spawnSync(process.execPath, [path.join(repo, 'test', 'editor', 'runEditorTests.mjs')], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (r.status !== 0 || !fs.existsSync(figures)) {
  process.stdout.write(r.stdout || '');
  console.error(`the editor run failed (exit ${r.status})`);
  process.exit(1);
}
for (const f of JSON.parse(fs.readFileSync(figures, "utf8"))) if (process.env.LENS_RAW) console.log(f.tasks, JSON.stringify(f.samples.map((s) => [Math.round(s.toModel), Math.round(s.toRow)])));
const stat = (xs) => { const s = [...xs].sort((a, b) => a - b).map(Math.round); return { median: s[s.length >> 1], worst: s[s.length - 1] }; };
console.log('live tasks | probes | created → model: median / worst | created → row visible: median / worst');
for (const { tasks, samples } of JSON.parse(fs.readFileSync(figures, 'utf8'))) {
  const m = stat(samples.map((s) => s.toModel));
  const v = stat(samples.map((s) => s.toRow));
  console.log(`${String(tasks).padStart(10)} | ${String(samples.length).padStart(6)} | ${`${m.median} / ${m.worst} ms`.padStart(31)} | ${`${v.median} / ${v.worst} ms`.padStart(37)}`);
}
