import { describe, expect, it } from 'vitest';
import { parse, py } from '../testing/ruleHarness';
import { analyze, skipReason } from './analyze';
import { DEFAULT_LINT_SETTINGS, lintSettingsFrom } from './settings';

const source = py`
  import asyncio, time
  async def main():
      asyncio.create_task(work())
      time.sleep(1)  # noqa: ASYNC251
      asyncio.create_task(work())  # noqa
      asyncio.create_task(work())  # noqa: ALENS003
      asyncio.create_task(work())  # noqa: RUF006
`;

describe('analyze', () => {
  it('honours # noqa with our codes, linter aliases, and bare noqa', async () => {
    const found = analyze(await parse(source), DEFAULT_LINT_SETTINGS);
    expect(found.map((d) => `${d.code}@${d.range.start.row}`)).toEqual(['ALENS001@2', 'ALENS001@5']);
  });

  it('applies per-rule severity and off switches from settings, by code or name', async () => {
    const file = await parse(source);
    const settings = lintSettingsFrom({ rules: { ALENS001: 'error', 'blocking-sleep': 'off', ALENS999: 'error', ALENS002: 'loud' } });
    expect(analyze(file, settings).map((d) => d.severity)).toEqual(['error', 'error']);
    expect(analyze(file, lintSettingsFrom({ rules: { 'dangling-task': 'off' } }))).toEqual([]);
    expect(analyze(file, lintSettingsFrom({ enabled: false }))).toEqual([]);
  });

  it('says nothing about half-typed code with syntax errors in the flagged node', async () => {
    const typing = 'import asyncio\nasync def main():\n    asyncio.create_task(work(\n';
    expect(analyze(await parse(typing), DEFAULT_LINT_SETTINGS)).toEqual([]);
  });

  it('survives Python 2, garbage and binary input without nonsense', async () => {
    const python2 = 'print "hello"\nexec "x = 1"\ntry:\n    pass\nexcept Exception, e:\n    print e\nasync = 1\n';
    expect(analyze(await parse(python2), DEFAULT_LINT_SETTINGS)).toEqual([]);
    const garbage = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 9000))).join('');
    expect(analyze(await parse(garbage), DEFAULT_LINT_SETTINGS)).toEqual([]);
    expect(skipReason('PK\u0003\u0004\u0000\u0000')).toBe('binary content');
    expect(skipReason('x = 1\n')).toBeUndefined();
  });
});
