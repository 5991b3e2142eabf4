import { describe, expect, it } from 'vitest';
import { applyFix, check, fixed, flagged, py } from '../testing/ruleHarness';
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
          return task
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual([]);
  });

  it('flags a dropped gather() and offers to await it in a coroutine', async () => {
    const source = py`
      import asyncio

      async def main():
          asyncio.gather(fetch(1), fetch(2))
          results = await asyncio.gather(fetch(3), fetch(4))
          return results
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual(['ALENS001 asyncio.gather(fetch(1), fetch(2))']);
    expect(await fixed(danglingTaskRule, source)).toContain('    await asyncio.gather(fetch(1), fetch(2))\n');
  });

  it('flags tasks kept only in a local that is never read, and keeps them in the set', async () => {
    const source = py`
      import asyncio

      async def startup(self, loop):
          lifespan = loop.create_task(self.main())  # hold it
          watcher = asyncio.ensure_future(self.watch())
          for item in self.items:
              if watcher.done():
                  break
              reader = asyncio.create_task(self.read(item))
          _ignored = asyncio.create_task(self.noise())
          await self.ready.wait()
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual(['ALENS001 loop.create_task(self.main())', 'ALENS001 asyncio.create_task(self.read(item))']);
    const [first] = await check(danglingTaskRule, source);
    expect(first.message).toContain('kept only in lifespan, which is never read');
    expect(applyFix(source, first.fixes[0])).toContain(
      'import asyncio\nbackground_tasks = set()  # strong references keep running tasks alive\n\nasync def startup(self, loop):\n    lifespan = loop.create_task(self.main())\n    background_tasks.add(lifespan)\n    lifespan.add_done_callback(background_tasks.discard)  # hold it\n',
    );
  });

  it('flags tasks made in a comprehension nobody keeps, and in a lambda whose result call_soon drops', async () => {
    const source = py`
      import asyncio

      def schedule(loop, urls):
          [asyncio.ensure_future(fetch(url)) for url in urls]
          pending = {loop.create_task(fetch(url)) for url in urls}
          loop.call_soon(lambda: asyncio.ensure_future(fetch(urls[0])))
          loop.add_signal_handler(2, lambda: asyncio.create_task(shutdown()))
          kept = [asyncio.create_task(fetch(url)) for url in urls]
          loop.call_soon(lambda: kept.append(asyncio.create_task(fetch(urls[1]))))
          return kept
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual([
      'ALENS001 asyncio.ensure_future(fetch(url))',
      'ALENS001 loop.create_task(fetch(url))',
      'ALENS001 asyncio.ensure_future(fetch(urls[0]))',
      'ALENS001 asyncio.create_task(shutdown())',
    ]);
  });

  it('does not flag a call expected to raise, inside assertRaises or pytest.raises', async () => {
    const source = py`
      import asyncio
      import pytest

      class T(unittest.TestCase):
          def test_closed_loop(self):
              with self.assertRaises(RuntimeError):
                  asyncio.ensure_future(work(), loop=closed)
              with self.assertRaisesRegex(TypeError, 'awaitable'):
                  asyncio.ensure_future(42)

      def test_plain():
          with pytest.raises(RuntimeError, match="no running event loop"):
              asyncio.create_task(work())
          with pytest.raises(RuntimeError):
              pass
          asyncio.ensure_future(work())
    `;
    expect(await flagged(danglingTaskRule, source)).toEqual(['ALENS001 asyncio.ensure_future(work())']);
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

  const taskGroupTitle = 'Use an asyncio.TaskGroup that waits for the task where the function ends (Python 3.11+)';
  const fixTitles = async (source: string) => (await check(danglingTaskRule, source)).map((f) => f.fixes.map((fix) => fix.title));

  it('also offers a TaskGroup around the rest of the coroutine, turning later dropped tasks into group tasks', async () => {
    const source = py`
      import asyncio

      class Server:
          async def serve(self, tg):
              prepare()
              asyncio.create_task(work(1), name="w1")  # first
              if ready():
                  asyncio.create_task(work(2))

              asyncio.create_task(work(3))
              return await finish()
    `;
    expect((await fixTitles(source))[0]).toEqual(['Keep a reference to the task in a set', taskGroupTitle]);
    const findings = await check(danglingTaskRule, source);
    expect(applyFix(source, findings[0].fixes[1])).toBe(py`
      import asyncio

      class Server:
          async def serve(self, tg):
              prepare()
              async with asyncio.TaskGroup() as tg2:
                  tg2.create_task(work(1), name="w1")  # first
                  if ready():
                      asyncio.create_task(work(2))

                  tg2.create_task(work(3))
                  return await finish()
    `);
  });

  it('spells asyncio as the file does and keeps tab indentation', async () => {
    const source = 'import asyncio as aio\nfrom asyncio import create_task\n\nasync def main():\n\tcreate_task(work())\n\tawait other()\n';
    const findings = await check(danglingTaskRule, source);
    expect(applyFix(source, findings[0].fixes[1])).toBe(
      'import asyncio as aio\nfrom asyncio import create_task\n\nasync def main():\n\tasync with aio.TaskGroup() as tg:\n\t\ttg.create_task(work())\n\t\tawait other()\n',
    );
  });

  it('offers no TaskGroup where the rewrite would change more than indentation or wait at the wrong place', async () => {
    const source = py`
      import asyncio

      def sync():
          asyncio.create_task(work())

      async def in_loop(items):
          for item in items:
              asyncio.create_task(work(item))

      async def other_factories(loop):
          asyncio.ensure_future(work())
          loop.create_task(work())

      async def generator():
          asyncio.create_task(work())
          yield 1

      async def multiline_string():
          asyncio.create_task(work())
          query = """
              SELECT 1
          """

      async def shared_line():
          x = 1; asyncio.create_task(work())

      async def one_line(): asyncio.create_task(work())

      async def tick():
          asyncio.create_task(tick())

      asyncio.create_task(work())
    `;
    const titles = await fixTitles(source);
    expect(titles).toHaveLength(10);
    for (const fixes of titles) expect(fixes).toEqual(['Keep a reference to the task in a set']);
  });
});
