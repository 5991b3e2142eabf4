// Keystroke benchmark: a 5,000-line asyncio file in the built language server; how long from an edit to its diagnostics.
//   node bench/lsp-keystroke.mjs [lines=5000] [keystrokes=200]
// Prints figures only (median, p95): the goal is ≤ 50 ms from keystroke to diagnostics, not a pass/fail test.
import lsp from 'vscode-languageserver-protocol/node.js';
import { startServer } from './lsp-client.mjs';

const targetLines = Number(process.argv[2] ?? 5000);
const keystrokes = Number(process.argv[3] ?? 200);

/** A plausible asyncio module: services with coroutines, tasks, locks, timeouts, try/except; a few real mistakes. */
function syntheticModule(lines) {
  const out = ['"""Synthetic asyncio service module for the keystroke benchmark."""', 'import asyncio', 'import time', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `class Service${i}:`,
      `    def __init__(self):`,
      `        self._lock = asyncio.Lock()`,
      `        self._queue = asyncio.Queue()`,
      `        self.items = []`,
      ``,
      `    async def fetch_${i}(self, key: str) -> dict:`,
      `        async with self._lock:`,
      `            await asyncio.sleep(0)`,
      `            return {"key": key, "n": ${i}}`,
      ``,
      `    async def run_${i}(self, keys):`,
      `        results = []`,
      `        for key in keys:`,
      `            try:`,
      `                async with asyncio.timeout(1.5):`,
      `                    results.append(await self.fetch_${i}(key))`,
      `            except TimeoutError:`,
      `                continue`,
      `        async with asyncio.TaskGroup() as tg:`,
      `            for key in keys:`,
      `                tg.create_task(self.fetch_${i}(key))`,
      i % 50 === 0 ? `        asyncio.create_task(self.fetch_${i}("late"))` : `        await self._queue.put(results)`,
      i % 70 === 0 ? `        time.sleep(0.1)` : `        self.items.extend(results)`,
      `        return results`,
      ``,
    );
  }
  out.length = lines;
  return out.join('\n') + '\n';
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const fmt = (x) => `${x.toFixed(1)} ms`;

const text = syntheticModule(targetLines);
const lines = text.split('\n');
const uri = 'file:///bench/service.py';

// 1. Per-keystroke cost, debounce off: each edit is analysed on its own.
let server = await startServer({ debounceMs: 0, reportTiming: true });
let started = performance.now();
const first = await server.open(uri, text);
const openMs = performance.now() - started;
let version = 1;

/** Types `typed` one character at a time at the end of line `row`; returns end-to-end ms and server timings per keystroke. */
async function typeAt(row, typed, count) {
  const column = lines[row].length;
  const endToEnd = [];
  const firstVersion = version + 1;
  for (let i = 0; i < count; i++) {
    version++;
    const published = server.nextDiagnostics(uri, (p) => p.version === version);
    started = performance.now();
    await server.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: row, character: column + i }, end: { line: row, character: column + i } }, text: typed[i % typed.length] }],
    });
    await published;
    endToEnd.push(performance.now() - started);
  }
  await server.timingFor(version);
  return { endToEnd, timings: server.timings.filter((t) => t.version >= firstVersion) };
}

// Where people type most: inside a method body (`self.items.extend(results)` in the middle of the file).
const bodyRow = lines.indexOf('        self.items.extend(results)', Math.floor(lines.length / 2));
const inBody = await typeAt(bodyRow, ' or []', keystrokes);
// A comment after a class header: tree-sitter's indentation scanner can make this re-scan the class body.
const headerRow = lines.findIndex((line, i) => i > lines.length / 2 && line.startsWith('class '));
const afterHeader = await typeAt(headerRow, '  # note', Math.min(keystrokes, 50));
const incremental = inBody.timings;
const row = bodyRow;
const column = lines[row].length + keystrokes;

// 2. The same work with a full re-parse (whole-text change), for comparison.
const full = [];
for (let i = 0; i < 20; i++) {
  version++;
  const published = server.nextDiagnostics(uri, (p) => p.version === version);
  started = performance.now();
  await server.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  await published;
  full.push(performance.now() - started);
}
const fullTimings = server.timings.slice(-20);
await server.stop();

// 3. A burst of fast typing with the default debounce: how many analyses actually run.
server = await startServer({ reportTiming: true });
await server.open(uri, text);
const burst = 40;
const lastVersion = 1 + burst;
const settled = server.timingFor(lastVersion);
for (let v = 2; v <= lastVersion; v++) {
  await server.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: v },
    contentChanges: [{ range: { start: { line: row, character: column + v }, end: { line: row, character: column + v } }, text: 'x' }],
  });
  await new Promise((resolve) => setTimeout(resolve, 5)); // ~200 characters per second
}
await settled;
const burstAnalyses = server.timings.filter((t) => t.version > 1).length;
await server.stop();

console.log(`file: ${lines.length} lines, ${text.length} characters, ${first.diagnostics.length} diagnostics`);
console.log(`open (first full parse + analysis, end to end): ${fmt(openMs)}`);
const serverTotal = (t) => t.parseMs + t.indexMs + t.rulesMs;
for (const [label, run] of [['typing in a method body', inBody], ['typing a comment after a class header', afterHeader]]) {
  console.log(`${label}: keystroke → diagnostics over stdio, debounce 0, ${run.endToEnd.length} keystrokes`);
  console.log(`  end to end median ${fmt(median(run.endToEnd))}, p95 ${fmt(p95(run.endToEnd))}   (goal ≤ 50 ms)`);
  const ts = run.timings;
  console.log(`  server side median ${fmt(median(ts.map(serverTotal)))} = incremental parse ${fmt(median(ts.map((t) => t.parseMs)))} + index ${fmt(median(ts.map((t) => t.indexMs)))} + rules ${fmt(median(ts.map((t) => t.rulesMs)))}`);
}
console.log(`full re-parse instead of incremental (20 runs): end to end median ${fmt(median(full))}, parse median ${fmt(median(fullTimings.map((t) => t.parseMs)))}`);
console.log(`  incremental/full parse ratio: ${(median(incremental.map((t) => t.parseMs)) / median(fullTimings.map((t) => t.parseMs))).toFixed(2)}`);
console.log(`burst of ${burst} keystrokes 5 ms apart with the default debounce: ${burstAnalyses} analyses ran (the rest were debounced or abandoned)`);
