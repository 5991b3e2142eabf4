import { describe, expect, it } from 'vitest';
import { check, fixed, flagged, py } from '../testing/ruleHarness';
import { swallowedCancellationRule } from './swallowedCancellation';

const flaggedLines = async (source: string) =>
  (await check(swallowedCancellationRule, source)).map((f) => source.split('\n')[f.range.start.row].trim());

describe('ALENS008 swallowed cancellation', () => {
  it('flags CancelledError, BaseException and bare except handlers that carry on', async () => {
    const source = py`
      import asyncio
      from asyncio import CancelledError

      async def worker():
          try:
              await asyncio.sleep(1)
          except asyncio.CancelledError:
              log("cancelled")
          try:
              await asyncio.sleep(1)
          except (ValueError, CancelledError) as e:
              pass
          try:
              await asyncio.sleep(1)
          except BaseException:
              pass
          try:
              await asyncio.sleep(1)
          except:
              pass
          await asyncio.sleep(1)
    `;
    expect(await flaggedLines(source)).toEqual([
      'except asyncio.CancelledError:',
      'except (ValueError, CancelledError) as e:',
      'except BaseException:',
      'except:',
    ]);
    const [first] = await check(swallowedCancellationRule, source);
    expect(first.range.start).toEqual({ row: 6, column: 4 });
    expect(first.range.end).toEqual({ row: 6, column: 34 }); // the end of `except asyncio.CancelledError:`
  });

  it('does not flag re-raising, returning, forwarding, uncancel(), sync code or waiting for a cancelled task', async () => {
    const source = py`
      import asyncio

      async def ok(task, fut):
          try:
              await asyncio.sleep(1)
          except asyncio.CancelledError:
              cleanup()
              raise
          try:
              await asyncio.sleep(1)
          except asyncio.CancelledError:
              return None
          try:
              await asyncio.sleep(1)
          except BaseException as exc:
              fut.set_exception(exc)
          try:
              await asyncio.sleep(1)
          except Exception:
              pass
          while True:
              try:
                  await asyncio.sleep(1)
              except asyncio.CancelledError:
                  break
          task.cancel()
          try:
              await task
          except asyncio.CancelledError:
              pass
          try:
              await asyncio.sleep(1)
          except asyncio.CancelledError:
              asyncio.current_task().uncancel()

      def sync():
          try:
              pass
          except BaseException:
              pass
    `;
    expect(await flaggedLines(source)).toEqual([]);
  });

  it('does not flag waiting for a task cancelled elsewhere: call_soon(task.cancel), a callback, another task', async () => {
    const source = py`
      import asyncio

      class Session:
          async def stop(self, loop, task, tasks):
              loop.call_soon(task.cancel)
              try:
                  await task
              except asyncio.CancelledError:
                  pass
              self.reader.add_done_callback(lambda _: self.writer_task.cancel())
              try:
                  await asyncio.wait_for(self.writer_task, timeout=5)
              except (asyncio.TimeoutError, asyncio.CancelledError):
                  pass
              try:
                  await asyncio.gather(*tasks)
              except asyncio.CancelledError:
                  pass
              await self.flush()
    `;
    expect(await flaggedLines(source)).toEqual([]);
  });

  it('still flags a wait that can only be this task being cancelled: shield(), a coroutine call', async () => {
    const source = py`
      import asyncio

      async def pump(task):
          while True:
              try:
                  await asyncio.shield(task)
              except asyncio.CancelledError:
                  pass
              try:
                  await task.wait_for_data()
              except asyncio.CancelledError:
                  pass
    `;
    expect(await flaggedLines(source)).toEqual(['except asyncio.CancelledError:', 'except asyncio.CancelledError:']);
  });

  it('does not flag a handler where the coroutine ends, but does when it loops, or awaits in the handler, finally or after', async () => {
    const source = py`
      import asyncio

      async def reader(queue):
          try:
              while True:
                  handle(await queue.get())
          except asyncio.CancelledError:
              log("reader stopped")
          finally:
              queue.close()
          stopped = True
          return stopped

      async def nested(queue):
          if queue:
              try:
                  await queue.get()
              except asyncio.CancelledError:
                  pass

      async def carries_on(queue):
          try:
              await queue.get()
          except asyncio.CancelledError:
              pass
          await queue.put(None)

      async def keeps_looping(queue):
          while True:
              try:
                  await queue.get()
              except asyncio.CancelledError:
                  pass

      async def waits_in_the_handler(queue):
          try:
              await queue.get()
          except asyncio.CancelledError:
              await queue.join()

      async def waits_in_finally(queue):
          try:
              await queue.get()
          except asyncio.CancelledError:
              pass
          finally:
              await queue.aclose()
    `;
    expect((await check(swallowedCancellationRule, source)).map((f) => f.range.start.row)).toEqual([23, 31, 37, 43]);
  });

  it('does not flag handlers that end in an exception anyway: 1 / 0, self.fail(), sys.exit()', async () => {
    const source = py`
      import asyncio, sys

      async def child(self):
          while True:
              try:
                  await asyncio.sleep(1)
              except asyncio.CancelledError:
                  1 / 0
              try:
                  await asyncio.sleep(1)
              except asyncio.CancelledError:
                  self.fail("cancelled")
              try:
                  await asyncio.sleep(1)
              except BaseException:
                  sys.exit(1)
    `;
    expect(await flaggedLines(source)).toEqual([]);
  });

  it('leaves code that uses trio or anyio cancel scopes to their own rules', async () => {
    const trio = py`
      import trio

      async def finalize(agen):
          while True:
              try:
                  with trio.CancelScope(shield=True):
                      await agen.aclose()
              except BaseException:
                  log()
    `;
    const anyio = py`
      from anyio import move_on_after

      async def poll(stream):
          while True:
              try:
                  with move_on_after(1):
                      await stream.receive()
              except:
                  pass
    `;
    const scopeFromPackage = py`
      from .. import _core

      async def finalize(agen):
          while True:
              try:
                  with _core.CancelScope(shield=True):
                      await agen.aclose()
              except BaseException:
                  log()
    `;
    for (const source of [trio, anyio, scopeFromPackage]) expect(await flaggedLines(source)).toEqual([]);
  });

  it('flags contextlib.suppress(CancelledError or BaseException) around an await in a coroutine that carries on', async () => {
    const source = py`
      import asyncio
      import contextlib
      from contextlib import suppress

      async def consume(queue, task):
          while True:
              with contextlib.suppress(asyncio.CancelledError):
                  item = await queue.get()
              with suppress(ValueError, BaseException):
                  await handle(item)
              with suppress(asyncio.CancelledError):
                  handle_now(item)
              task.cancel()
              with suppress(asyncio.CancelledError):
                  await task
              with suppress(KeyError):
                  await handle(item)

      async def last(task):
          with suppress(asyncio.CancelledError):
              await asyncio.sleep(1)

      def sync(queue):
          with suppress(asyncio.CancelledError):
              queue.get_nowait()
    `;
    expect(await flagged(swallowedCancellationRule, source)).toEqual([
      'ALENS008 contextlib.suppress(asyncio.CancelledError)',
      'ALENS008 suppress(ValueError, BaseException)',
    ]);
    const [first] = await check(swallowedCancellationRule, source);
    expect(first.message).toBe('suppress(asyncio.CancelledError) around an await swallows cancellation: task.cancel(), TaskGroup and timeouts stop working for this task. Let it propagate.');
  });

  it('fixes by re-raising at the end of the handler', async () => {
    const source = 'import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n        log()\n    await done()\n';
    expect(await fixed(swallowedCancellationRule, source)).toBe(
      'import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n        log()\n        raise\n    await done()\n',
    );
    expect(await fixed(swallowedCancellationRule, 'async def f():\n  while True:\n    try: await g()\n    except: pass\n')).toBe(
      'async def f():\n  while True:\n    try: await g()\n    except: pass; raise\n',
    );
  });
});
