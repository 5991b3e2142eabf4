import { describe, expect, it } from 'vitest';
import { parse } from '../testing/ruleHarness';
import { hoverAt } from './hover';

const source = [
  'import asyncio as aio',
  'from asyncio import TaskGroup, sleep as nap',
  'import mylib',
  'async def main():',
  '    async with TaskGroup() as tg:',
  '        tg.create_task(nap(1))',
  '    aio.create_task(main())',
  '    mylib.create_task(main())',
  '    aio.not_documented()',
  '',
].join('\n');

const hoverText = async (row: number, column: number) => hoverAt(await parse(source), { row, column })?.markdown;

describe('hover', () => {
  it('explains asyncio names reached through an alias or an import, with versions and a course link', async () => {
    const createTask = await hoverText(6, 9);
    expect(createTask).toContain('asyncio.create_task(coro, *, name=None, context=None)');
    expect(createTask).toContain('3.7+');
    expect(createTask).toContain('[Course: Creating tasks](command:asyncioLens.openWalkthrough?%5B%22tasks%22%5D)');
    expect(await hoverText(4, 16)).toContain('3.11+');
    expect(await hoverText(5, 24)).toContain('asyncio.sleep(delay, result=None)');
    expect(await hoverText(1, 22)).toContain('Structured concurrency');
    expect(await hoverText(1, 22)).toContain('(command:asyncioLens.openWalkthrough?%5B%22taskgroup%22%5D)');
  });

  it('says nothing for other modules, unknown asyncio names or plain code', async () => {
    expect(await hoverText(7, 11)).toBeUndefined();
    expect(await hoverText(8, 9)).toBeUndefined();
    expect(await hoverText(3, 11)).toBeUndefined();
    expect(await hoverText(5, 11)).toBeUndefined();
  });

  it('has no course link for a name no step teaches', async () => {
    const barrier = hoverAt(await parse('import asyncio\nasyncio.Barrier(2)\n'), { row: 1, column: 10 })?.markdown;
    expect(barrier).toContain('asyncio.Barrier(parties)');
    expect(barrier).not.toContain('command:');
  });

  it('covers the names the issue asks for', async () => {
    const { ASYNCIO_DOCS } = await import('./asyncioDocs');
    for (const name of ['create_task', 'TaskGroup', 'shield', 'wait_for', 'timeout', 'gather', 'as_completed', 'to_thread', 'run_coroutine_threadsafe']) {
      expect(ASYNCIO_DOCS[name], name).toBeDefined();
    }
  });
});
