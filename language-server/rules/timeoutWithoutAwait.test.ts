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

  it('does not flag a timeout with no deadline: timeout(None), timeout_at(when=None)', async () => {
    const source = py`
      import asyncio
      async def f(cache):
          async with asyncio.timeout(None) as cm:
              cache.clear()
          async with asyncio.timeout_at(when=None):
              cache.clear()
          async with asyncio.timeout(delay=None):
              cache.clear()
    `;
    expect(await flagged(timeoutWithoutAwaitRule, source)).toEqual([]);
  });

  it('flags wait_for() of a coroutine of this file that never awaits', async () => {
    const source = py`
      import asyncio
      from asyncio import wait_for

      async def crunch(n):
          total = 0
          for i in range(n):
              total += i
          return total

      async def main():
          await asyncio.wait_for(crunch(10**8), timeout=1)
          result = await wait_for(crunch(5), 0.5)

          async def nested():
              return compute()
          await asyncio.wait_for(nested(), 1)
          await asyncio.wait_for(fut=crunch(1), timeout=delay)
    `;
    expect(await flagged(timeoutWithoutAwaitRule, source)).toEqual([
      'ALENS010 asyncio.wait_for(crunch(10**8), timeout=1)',
      'ALENS010 wait_for(crunch(5), 0.5)',
      'ALENS010 asyncio.wait_for(nested(), 1)',
      'ALENS010 asyncio.wait_for(fut=crunch(1), timeout=delay)',
    ]);
  });

  it('does not flag wait_for() of coroutines that suspend, unknown or rebound ones, stubs, other awaitables, or with no positive timeout', async () => {
    const source = py`
      import asyncio
      from other import remote

      async def fetch(reader):
          return await reader.read()

      async def drain(stream):
          async for _ in stream:
              pass

      async def locked(lock):
          async with lock:
              return 1

      async def stub():
          """Subclasses override this."""
          raise NotImplementedError

      async def twice():
          return 1
      twice = wrap(twice)

      @decorated
      async def wrapped():
          return 1

      async def crunch():
          return sum(range(10**8))

      class Client:
          async def ping(self):
              return 1

      async def main(reader, stream, lock, fut, client):
          await asyncio.wait_for(fetch(reader), 1)
          await asyncio.wait_for(drain(stream), 1)
          await asyncio.wait_for(locked(lock), 1)
          await asyncio.wait_for(stub(), 1)
          await asyncio.wait_for(twice(), 1)
          await asyncio.wait_for(wrapped(), 1)
          await asyncio.wait_for(remote(), 1)
          await asyncio.wait_for(fut, 1)
          await asyncio.wait_for(client.ping(), 1)
          await asyncio.wait_for(crunch(), None)
          await asyncio.wait_for(crunch(), timeout=0)
          await asyncio.wait_for(crunch(), -1)
          await asyncio.wait_for(crunch())

          def fetch():
              return 1
          await asyncio.wait_for(fetch(), 1)
    `;
    expect(await flagged(timeoutWithoutAwaitRule, source)).toEqual([]);
  });
});
