// Side by side with pyright on seeded "coroutine never awaited" mistakes (bench/seeded-coroutines/).
//   node bench/lsp-pyright.mjs [DIR]
// Prints, per seeded line, whether pyright (reportUnusedCoroutine) and Asyncio Lens (ALENS002) report it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lsp-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(process.argv[2] ?? join(here, 'seeded-coroutines'));
const files = readdirSync(dir).filter((name) => name.endsWith('.py'));

const pyright = spawnSync(process.execPath, [join(here, '..', 'node_modules', 'pyright', 'index.js'), '--outputjson', dir], { encoding: 'utf8', cwd: dir });
if (!pyright.stdout) throw new Error(`pyright did not run: ${pyright.stderr}`);
const pyrightHits = new Set(
  JSON.parse(pyright.stdout)
    .generalDiagnostics.filter((d) => d.rule === 'reportUnusedCoroutine')
    .map((d) => `${d.file.split('/').pop()}:${d.range.start.line + 1}`),
);

const server = await startServer({ debounceMs: 0 });
const oursHits = new Set();
const seeded = new Set();
for (const name of files) {
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  text.split('\n').forEach((line, i) => line.includes('# seeded') && seeded.add(`${name}:${i + 1}`));
  const { diagnostics } = await server.open(pathToFileURL(path).href, text);
  for (const d of diagnostics) if (d.code === 'ALENS002') oursHits.add(`${name}:${d.range.start.line + 1}`);
}
await server.stop();

const all = [...new Set([...seeded, ...pyrightHits, ...oursHits])].sort();
console.log('line                    seeded  pyright  asyncio-lens');
for (const key of all) {
  const mark = (set) => (set.has(key) ? 'yes' : '-');
  console.log(`${key.padEnd(24)}${mark(seeded).padEnd(8)}${mark(pyrightHits).padEnd(9)}${mark(oursHits)}`);
}
const count = (set, filter = () => true) => [...set].filter(filter).length;
console.log(`\nseeded mistakes: ${seeded.size}`);
console.log(`pyright reports ${count(pyrightHits)} (${count(pyrightHits, (k) => seeded.has(k))} seeded); asyncio-lens reports ${count(oursHits)} (${count(oursHits, (k) => seeded.has(k))} seeded)`);
console.log(`reported by pyright but not by asyncio-lens: ${[...pyrightHits].filter((k) => !oursHits.has(k)).join(', ') || 'none'}`);
console.log(`reported by asyncio-lens but not by pyright: ${[...oursHits].filter((k) => !pyrightHits.has(k)).join(', ') || 'none'}`);
