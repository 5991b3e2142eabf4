// Time to apply one tasks/changed delta to the Async Tasks model and compute what the view refreshes
// (delta → nodes to fire), at 10 and 10 000 live tasks. Usage: node bench/tree-update.mjs
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'lens-bench-'));
const out = join(dir, 'model.cjs');
await build({ entryPoints: ['extension/model/taskTree.ts'], bundle: true, format: 'cjs', platform: 'node', outfile: out, logLevel: 'error' });
const { TaskTreeModel } = (await import(pathToFileURL(out).href)).default;
rmSync(dir, { recursive: true, force: true });

const chain = (i) => [
  { name: 'main', file: '/app/main.py', line: 10 }, { name: 'worker', file: '/app/work.py', line: 20 + (i % 7) },
  { name: 'fetch', file: '/app/net.py', line: 30 }, { name: 'sleep', file: '/usr/lib/python3.12/asyncio/tasks.py', line: 665 },
];
const task = (id, extra = {}) => ({
  id, name: `t${id}`, state: 'pending', parent: id === 1 ? null : 1, group: id === 1 ? null : 2, coro: 'worker', created_at: { file: '/app/main.py', line: 9 },
  chain: chain(id), waiting_on: { kind: 'sleep', detail: '1.0 s left', tasks: [] }, awaited_by: [], exception: null, created: 0, ...extra,
});

function measure(n, rounds = 200) {
  const model = new TaskTreeModel();
  model.reset(Array.from({ length: n }, (_, i) => task(i + 1)));
  model.takeChanges();
  // what a person would do: the top level and the main task's children are shown
  model.childNodes(); model.childNodes(model.taskNode(1));
  let next = n + 1;
  const times = [];
  let fired = 0;
  for (let r = 0; r < rounds; r++) {
    const changed = task(2 + (r % (n - 1)), { waiting_on: { kind: 'sleep', detail: `${r} s left`, tasks: [] } });
    const fresh = task(next++);
    const gone = task(next - 2, { state: 'done' });
    const t0 = performance.now();
    model.apply({ seq: r + 1, time: r, reset: false, tasks: [changed, fresh], finished: r ? [gone] : [] });
    const c = model.takeChanges();
    // and the view's work for what it fires: one getTreeItem-like read per node, children of fired containers
    for (const node of c.nodes) if (node.kind !== 'task') model.childNodes(node);
    times.push(performance.now() - t0);
    fired += c.nodes.length;
  }
  times.sort((a, b) => a - b);
  return { n, median: times[times.length >> 1], p95: times[Math.floor(times.length * 0.95)], firedPerDelta: fired / rounds };
}

console.log('live tasks | median ms | p95 ms | nodes fired per delta');
for (const n of [10, 10_000]) {
  const r = measure(n);
  console.log(`${String(r.n).padStart(10)} | ${r.median.toFixed(3).padStart(9)} | ${r.p95.toFixed(3).padStart(6)} | ${r.firedPerDelta.toFixed(1)}`);
}
