import { describe, expect, it } from 'vitest';
import { check, fixed, flagged, py } from '../testing/ruleHarness';
import { unawaitedCoroutineRule } from './unawaitedCoroutine';

describe('ALENS002 unawaited coroutine', () => {
  it('flags calls of async defs of this file, asyncio coroutines and methods, as statements', async () => {
    const source = py`
      import asyncio as aio
      from asyncio import sleep

      async def fetch(): ...

      class Client:
          async def close(self): ...
          async def run(self):
              self.close()
              fetch()
              sleep(1)
              aio.wait_for(fetch(), 1)

      def sync_caller():
          fetch()

      async def main():
          queue = aio.Queue()
          queue.put(1)
          async def inner(): ...
          inner()
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([
      'ALENS002 self.close()',
      'ALENS002 fetch()',
      'ALENS002 sleep(1)',
      'ALENS002 aio.wait_for(fetch(), 1)',
      'ALENS002 fetch()',
      'ALENS002 queue.put(1)',
      'ALENS002 inner()',
    ]);
  });

  it('flags coroutine methods called through a class of this file or an instance made here', async () => {
    const source = py`
      class Client:
          async def connect(self): ...
          def close(self): ...
          @classmethod
          async def create(cls):
              client = cls()
              client.connect()
              return client

      async def main():
          client = Client()
          client.connect()
          client.close()
          Client.create()

      async def elsewhere(client):
          client.connect()
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([
      'ALENS002 client.connect()',
      'ALENS002 client.connect()',
      'ALENS002 Client.create()',
    ]);
  });

  it('does not trust an instance variable assigned twice', async () => {
    const source = py`
      class Client:
          async def connect(self): ...
      async def main(flag):
          client = Client()
          if flag:
              client = make_sync_client()
          client.connect()
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([]);
  });

  it('flags a coroutine assigned to a variable that is never read', async () => {
    const source = py`
      async def fetch(): ...
      async def main():
          result = fetch()
          used = fetch()
          await used
          _ = fetch()
    `;
    const findings = await check(unawaitedCoroutineRule, source);
    expect(findings.map((f) => f.message)).toEqual(['The coroutine stored in result is never awaited, so fetch() never runs.']);
  });

  it('does not flag awaited, scheduled, shadowed, decorated or sync calls', async () => {
    const source = py`
      import asyncio
      import time

      async def fetch(): ...
      def plain(): ...

      @some_decorator
      async def wrapped(): ...

      async def main(cb):
          await fetch()
          asyncio.create_task(fetch())
          plain()
          wrapped()
          time.sleep(1)
          asyncio.gather(fetch())
          cb()
          lambda: fetch()

      async def shadow(fetch):
          fetch()

      def later():
          def fetch(): ...
          fetch()

      for attempt in range(3):
          coro = fetch()
          if attempt:
              asyncio.run(coro)
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([]);
  });

  it('does not treat a name bound both as async def and otherwise as a coroutine function', async () => {
    const source = py`
      async def fetch(): ...
      fetch = make_sync(fetch)
      def main():
          fetch()
    `;
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([]);
  });

  it('adds await inside async def and asyncio.run at module level', async () => {
    expect(await fixed(unawaitedCoroutineRule, 'async def f(): ...\nasync def g():\n    f()\n')).toBe(
      'async def f(): ...\nasync def g():\n    await f()\n',
    );
    expect(await fixed(unawaitedCoroutineRule, 'async def main(): ...\n\nif __name__ == "__main__":\n    main()\n')).toBe(
      'import asyncio\nasync def main(): ...\n\nif __name__ == "__main__":\n    asyncio.run(main())\n',
    );
  });

  it('parenthesises await where the call is a primary', async () => {
    const source = 'import asyncio\nasync def g(r):\n    asyncio.sleep(1).close()\n';
    // A method called on the coroutine is a use of it, so nothing to flag here.
    expect(await flagged(unawaitedCoroutineRule, source)).toEqual([]);
  });
});
