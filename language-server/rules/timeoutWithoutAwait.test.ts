import { describe, expect, it } from 'vitest';
import { flagged, py } from '../testing/ruleHarness';
import { timeoutWithoutAwaitRule } from './timeoutWithoutAwait';

describe('ALENS010 timeout without await', () => {
  it('flags asyncio.timeout and timeout_at blocks with no suspension point', async () => {
    const source = py`
      import asyncio
      from asyncio import timeout_at
      async def f(loop):
          async with asyncio.timeout(1):
              compute()
          async with timeout_at(loop.time() + 1) as cm:
              def later():
                  return 1
              later()
    `;
    expect(await flagged(timeoutWithoutAwaitRule, source)).toEqual([
      'ALENS010 asyncio.timeout(1)',
      'ALENS010 timeout_at(loop.time() + 1)',
    ]);
  });

  it('does not flag blocks that await, iterate or enter asynchronously, yield, or other timeouts', async () => {
    const source = py`
      import asyncio, anyio
      async def f(stream):
          async with asyncio.timeout(1):
              await stream.read()
          async with asyncio.timeout(1):
              async for chunk in stream:
                  pass
          async with asyncio.timeout(1):
              async with stream:
                  pass
          async with asyncio.timeout(1):
              data = [x async for x in stream]
          async with asyncio.timeout(1), stream:
              pass
          async with anyio.fail_after(1):
              compute()
      async def gen():
          async with asyncio.timeout(1):
              yield 1
    `;
    expect(await flagged(timeoutWithoutAwaitRule, source)).toEqual([]);
  });
});
