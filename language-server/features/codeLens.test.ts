import { describe, expect, it } from 'vitest';
import { parse } from '../testing/ruleHarness';
import { entryPointLenses } from './codeLens';

const rows = async (source: string) => entryPointLenses(await parse(source)).map((lens) => `${lens.range.start.row} ${lens.command}`);

describe('run/debug lenses', () => {
  it('go on the main guard of a file that uses asyncio', async () => {
    expect(await rows('import asyncio\nasync def main(): ...\nif __name__ == "__main__":\n    asyncio.run(main())\n')).toEqual([
      '2 asyncioLens.runCurrentFile',
      '2 asyncioLens.debugCurrentFile',
    ]);
    expect(await rows("from asyncio import run\nif '__main__' == __name__:\n    run(m())\n")).toHaveLength(2);
  });

  it('go on a top-level asyncio.run() when there is no main guard', async () => {
    expect(await rows('import asyncio as aio\nasync def main(): ...\naio.run(main())\n')).toEqual([
      '2 asyncioLens.runCurrentFile',
      '2 asyncioLens.debugCurrentFile',
    ]);
  });

  it('stay away from files without asyncio', async () => {
    expect(await rows('import trio\nif __name__ == "__main__":\n    trio.run(main)\n')).toEqual([]);
  });
});
