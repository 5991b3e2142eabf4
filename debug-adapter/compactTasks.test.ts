import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompactSnapshot, CompactTasksChangedParams, Snapshot, TasksChangedParams } from './agentProtocol';
import { CompactChangeDecoder, decodeSnapshot, isCompactChange, isCompactSnapshot } from './compactTasks';

interface Pair<Full, Compact> {
  full: Full;
  compact: Compact;
}

interface Fixture {
  snapshot: Pair<Snapshot, CompactSnapshot>;
  changes: Pair<TasksChangedParams, CompactTasksChangedParams>[];
}

/** One real run of the runtime (`runtime/tests/wire_fixture.py`): each result in both forms. */
function captureFromRuntime(): Fixture {
  const python = process.env.ASYNCIO_LENS_PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
  const out = execFileSync(python, [join('tests', 'wire_fixture.py')], {
    cwd: join(__dirname, '..', 'runtime'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out) as Fixture;
}

describe('compact task form', () => {
  const fixture = captureFromRuntime();

  it('a compact snapshot decodes to the full snapshot of the same collection', () => {
    const { full, compact } = fixture.snapshot;
    expect(isCompactSnapshot(compact)).toBe(true);
    expect(full.tasks.length).toBeGreaterThan(5);
    expect(full.history.length).toBeGreaterThan(0);
    expect(decodeSnapshot(compact)).toEqual(full);
    // A full snapshot passes through untouched.
    expect(decodeSnapshot(full)).toBe(full);
    expect(JSON.stringify(compact).length).toBeLessThan(JSON.stringify(full).length);
  });

  it('a sequence of compact tasks/changed decodes to the full ones, the string table carried over', () => {
    const decoder = new CompactChangeDecoder();
    expect(fixture.changes.length).toBeGreaterThan(1);
    for (const { full, compact } of fixture.changes) {
      expect(isCompactChange(compact)).toBe(true);
      expect(decoder.decode(compact)).toEqual(full);
    }
    // The later change refers to strings sent only with the first one.
    const [first, second] = fixture.changes;
    expect(second.compact.reset).toBe(false);
    expect(second.compact.strings.length).toBeLessThan(first.compact.strings.length);
    expect(second.compact.chains.length).toBeLessThan(first.compact.chains.length);
  });

  it('a reset starts the table again; a reference past the table is an error, not a wrong name', () => {
    const decoder = new CompactChangeDecoder();
    const [first, second] = fixture.changes;
    expect(() => decoder.decode(second.compact)).toThrow(/not in the table/);
    decoder.decode(first.compact);
    expect(decoder.decode(first.compact)).toEqual(first.full);
  });
});
