import { describe, expect, it } from 'vitest';
import { fixed, flagged, py } from '../testing/ruleHarness';
import { getEventLoopRule, nestedEventLoopRule } from './loopMisuse';

describe('ALENS011 get_event_loop in a coroutine', () => {
  it('flags it in async def only', async () => {
    const source = py`
      import asyncio
      loop = asyncio.get_event_loop()
      def sync():
          return asyncio.get_event_loop()
      async def main():
          loop = asyncio.get_event_loop()
          other = asyncio.get_running_loop()
    `;
    expect(await flagged(getEventLoopRule, source)).toEqual(['ALENS011 asyncio.get_event_loop()']);
  });

  it('replaces it with get_running_loop', async () => {
    expect(await fixed(getEventLoopRule, 'from asyncio import get_event_loop\nasync def f():\n    get_event_loop().call_soon(g)\n')).toBe(
      'import asyncio\nfrom asyncio import get_event_loop\nasync def f():\n    asyncio.get_running_loop().call_soon(g)\n',
    );
  });
});

describe('ALENS012 event loop started inside a coroutine', () => {
  it('flags asyncio.run, run_until_complete and run_forever in async def', async () => {
    const source = py`
      import asyncio
      async def main(loop):
          asyncio.run(child())
          loop.run_until_complete(child())
          loop.run_forever()
    `;
    expect(await flagged(nestedEventLoopRule, source)).toEqual([
      'ALENS012 asyncio.run(child())',
      'ALENS012 loop.run_until_complete(child())',
      'ALENS012 loop.run_forever()',
    ]);
  });

  it('does not flag them in sync code or in threads started from a coroutine', async () => {
    const source = py`
      import asyncio
      def entry():
          asyncio.run(main())
      async def main():
          def in_thread():
              asyncio.run(child())
          await asyncio.to_thread(in_thread)
      if __name__ == "__main__":
          asyncio.run(main())
    `;
    expect(await flagged(nestedEventLoopRule, source)).toEqual([]);
  });

  it('fixes by awaiting the coroutine', async () => {
    expect(await fixed(nestedEventLoopRule, 'import asyncio\nasync def f():\n    x = asyncio.run(g())\n')).toBe(
      'import asyncio\nasync def f():\n    x = await g()\n',
    );
  });
});
