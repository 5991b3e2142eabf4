// `npm test`: every tier, in order, with its wall time. A failing tier fails the run; all tiers run.
//   build → typecheck → unit (vitest) → python (pytest on every CPython 3.10+) → walkthroughs (course snippets vs golden output) → dap (DebugClient on dist/) → editor (real VS Code)
// `npm test -- unit dap` runs only the named tiers.
import { spawnSync } from 'node:child_process';

const TIERS = [
  ['build', 'node', ['esbuild.mjs']],
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['unit', 'npx', ['vitest', 'run']],
  ['python', 'node', ['scripts/pytest-all.mjs']],
  ['walkthroughs', 'node', ['test/walkthroughs/run-snippets.mjs']],
  ['dap', 'npx', ['vitest', 'run', '--config', 'test/dap/vitest.config.ts']],
  ['editor', 'node', ['test/editor/runEditorTests.mjs']],
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !TIERS.some(([tier]) => tier === name));
if (unknown.length) {
  console.error(`unknown tier(s): ${unknown.join(', ')}; tiers are ${TIERS.map(([t]) => t).join(', ')}`);
  process.exit(2);
}
const results = [];
for (const [tier, command, args] of TIERS) {
  if (only.length && !only.includes(tier)) continue;
  console.log(`\n━━━ ${tier}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const seconds = (Date.now() - started) / 1000;
  const ok = run.status === 0;
  results.push({ tier, ok, seconds });
  console.log(`━━━ ${tier}: ${ok ? 'passed' : `FAILED (exit ${run.status ?? run.signal})`} in ${seconds.toFixed(1)} s`);
  // Later tiers test the build: without it they would only repeat its failure.
  if (!ok && tier === 'build') break;
}
console.log('\ntier          result   wall time');
for (const r of results) console.log(`${r.tier.padEnd(14)}${(r.ok ? 'passed' : 'FAILED').padEnd(9)}${r.seconds.toFixed(1).padStart(7)} s`);
const failed = results.filter((r) => !r.ok).length;
console.log(`\ntiers: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
