import { describe, expect, it } from 'vitest';
import { check, fixed, py } from '../testing/ruleHarness';
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

  it('fixes by re-raising at the end of the handler', async () => {
    const source = 'import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n        log()\n    done()\n';
    expect(await fixed(swallowedCancellationRule, source)).toBe(
      'import asyncio\nasync def f():\n    try:\n        await g()\n    except asyncio.CancelledError:\n        log()\n        raise\n    done()\n',
    );
    expect(await fixed(swallowedCancellationRule, 'async def f():\n    try: await g()\n    except: pass\n')).toBe(
      'async def f():\n    try: await g()\n    except: pass; raise\n',
    );
  });
});
