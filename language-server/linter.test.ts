import { describe, expect, it } from 'vitest';
import type { Diagnosis } from './analysis/analyze';
import { DEFAULT_LINT_SETTINGS } from './analysis/settings';
import { ParsedDocument } from './documents';
import { Linter } from './linter';
import { grammarFromNodeModules } from './testing/grammar';

async function setup(debounceMs: number) {
  const published: { version: number; codes: string[] }[] = [];
  const logs: string[] = [];
  let notify = () => {};
  const linter = new Linter(
    await grammarFromNodeModules(),
    {
      settings: () => DEFAULT_LINT_SETTINGS,
      publish: (document: ParsedDocument, diagnoses: Diagnosis[]) => {
        published.push({ version: document.version, codes: diagnoses.map((d) => d.code) });
        notify();
      },
      log: (message) => logs.push(message),
    },
    debounceMs,
  );
  const nextPublish = () => new Promise<void>((resolve) => (notify = resolve));
  return { linter, published, logs, nextPublish };
}

const source = 'import asyncio\nasync def main():\n    asyncio.create_task(main())\n';

describe('Linter', () => {
  it('abandons a run when a newer edit arrives, and publishes only the newest version', async () => {
    const { linter, published } = await setup(0);
    const document = new ParsedDocument('file:///a.py', 'python', 1, source);
    const stale = linter.run(document);
    // The edit lands while the first run waits between rules.
    document.applyChanges([{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: 'await ' }], 2);
    expect(await stale).toBe(false);
    expect(await linter.run(document)).toBe(true);
    expect(published).toEqual([{ version: 2, codes: [] }]);
    document.dispose();
  });

  it('debounces: a burst of edits is analysed once', async () => {
    const { linter, published, nextPublish } = await setup(20);
    const document = new ParsedDocument('file:///b.py', 'python', 1, source);
    const done = nextPublish();
    for (let version = 2; version <= 6; version++) {
      document.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }], version);
      linter.schedule(document);
    }
    await done;
    expect(published).toEqual([{ version: 6, codes: [] }]);
    document.dispose();
  });

  it('skips binary content once, with one log line', async () => {
    const { linter, published, logs } = await setup(0);
    const document = new ParsedDocument('file:///c.py', 'python', 1, 'a\u0000b');
    await linter.run(document);
    await linter.run(document);
    expect(published.map((p) => p.codes)).toEqual([[], []]);
    expect(logs).toEqual(['Not analysing file:///c.py: binary content.']);
  });

  it('reports findings for the current version on demand (code actions)', async () => {
    const { linter } = await setup(0);
    const document = new ParsedDocument('file:///d.py', 'python', 1, source);
    expect(linter.diagnosesNow(document).map((d) => d.code)).toEqual(['ALENS001']);
    document.dispose();
  });
});
