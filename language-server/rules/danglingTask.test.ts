import { describe, expect, it } from 'vitest';
import { fixed, flagged, py } from '../testing/ruleHarness';
import { danglingTaskRule } from './danglingTask';

describe('ALENS001 dangling task', () => {
  it('flags create_task, ensure_future and loop.create_task as bare statements', async () => {
    const source = py`
      import asyncio
      from asyncio import ensure_future as ef

      async def main(self):
          asyncio.create_task(work())
          ef(work())
          loop = asyncio.get_running_loop()
          loop.create_task(work())
          self._loop.create_task(work())
          asyncio.get_running_loop().create_task(work())
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual([
      'ALENS001 asyncio.create_task(work())',
      'ALENS001 ef(work())',
      'ALENS001 loop.create_task(work())',
      'ALENS001 self._loop.create_task(work())',
      'ALENS001 asyncio.get_running_loop().create_task(work())',
    ]);
  });

  it('does not flag kept tasks, TaskGroup tasks or look-alikes from other modules', async () => {
    const source = py`
      import asyncio
      import trio

      async def main(tg, nursery):
          task = asyncio.create_task(work())
          tasks.append(asyncio.create_task(work()))
          await asyncio.create_task(work())
          tg.create_task(work())
          nursery.start_soon(work)
          trio.create_task(work())
          create_task(work())
          async with asyncio.TaskGroup() as group:
              group.create_task(work())
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual([]);
  });

  it('fixes by keeping the task in a module-level set that the task leaves when done', async () => {
    const source = py`
      """Doc."""
      import asyncio

      async def main():
          asyncio.create_task(work())  # start it
    `;
    expect(await fixed(danglingTaskRule, source)).toBe(py`
      """Doc."""
      import asyncio
      background_tasks = set()  # strong references keep running tasks alive

      async def main():
          task = asyncio.create_task(work())
          background_tasks.add(task)
          task.add_done_callback(background_tasks.discard)  # start it
    `);
  });

  it('reuses an existing background set and avoids taken variable names', async () => {
    const source = py`
      import asyncio
      background_tasks = set()

      async def main(task):
          asyncio.create_task(work(task))
    `;
    expect(await fixed(danglingTaskRule, source)).toContain('task2 = asyncio.create_task(work(task))\n    background_tasks.add(task2)\n');
  });
});
