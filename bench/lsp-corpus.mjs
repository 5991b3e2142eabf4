// False-positive run: every .py file under the given folders through the built language server, findings counted per rule.
//   node bench/lsp-corpus.mjs DIR... [--list]
// With --list every finding is printed (file:line code message) for review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './lsp-client.mjs';

const args = process.argv.slice(2);
const list = args.includes('--list');
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: node bench/lsp-corpus.mjs DIR... [--list]');
  process.exit(2);
}

function pythonFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pythonFiles(path);
    return name.endsWith('.py') ? [path] : [];
  });
}

const server = await startServer({ debounceMs: 0 });
const counts = new Map();
let files = 0;
let lines = 0;
for (const dir of dirs) {
  for (const file of pythonFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const { diagnostics } = await server.open(uri, text);
    await server.close(uri);
    files++;
    lines += text.split('\n').length;
    for (const d of diagnostics) {
      counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
      if (list) console.log(`${relative(dir, file)}:${d.range.start.line + 1}: ${d.code} ${d.message}`);
    }
  }
}
await server.stop();
console.log(`\n${files} files, ${lines} lines`);
console.log('rule       findings');
for (const [code, n] of [...counts].sort()) console.log(`${code.padEnd(11)}${n}`);
console.log(`total      ${[...counts.values()].reduce((a, b) => a + b, 0)}`);
