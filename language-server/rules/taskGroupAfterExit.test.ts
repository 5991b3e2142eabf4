import { describe, expect, it } from 'vitest';
import { flagged, py } from '../testing/ruleHarness';
import { taskGroupAfterExitRule } from './taskGroupAfterExit';

describe('ALENS014 TaskGroup used after its block', () => {
  it('flags create_task on the group after the async with ends', async () => {
    const source = py`
      import asyncio
      async def main():
          async with asyncio.TaskGroup() as tg:
              tg.create_task(work())
          tg.create_task(work())
          if late:
              tg.create_task(work())
    `;
    expect(await flagged(taskGroupAfterExitRule, source)).toEqual(['ALENS014 tg.create_task(work())', 'ALENS014 tg.create_task(work())']);
  });

  it('does not flag calls inside the block, a new group of the same name, or other functions', async () => {
    const source = py`
      import asyncio
      async def main():
          async with asyncio.TaskGroup() as tg:
              tg.create_task(work())
              async def child():
                  tg.create_task(work())
          async with asyncio.TaskGroup() as tg:
              tg.create_task(work())
          tg = make_group()
          tg.create_task(work())
      async def other(tg):
          tg.create_task(work())
    `;
    expect(await flagged(taskGroupAfterExitRule, source)).toEqual([]);
  });
});
