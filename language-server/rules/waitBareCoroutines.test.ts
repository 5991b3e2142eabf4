import { describe, expect, it } from 'vitest';
import { fixed, flagged, py } from '../testing/ruleHarness';
import { waitBareCoroutinesRule } from './waitBareCoroutines';

describe('ALENS013 asyncio.wait given coroutines', () => {
  it('flags literals and comprehensions of coroutine calls', async () => {
    const source = py`
      import asyncio
      async def fetch(u): ...
      async def main(urls):
          await asyncio.wait([fetch(1), fetch(2)])
          await asyncio.wait({fetch(u) for u in urls}, timeout=1)
          await asyncio.wait([asyncio.sleep(1)])
    `;
    expect(await flagged(waitBareCoroutinesRule, source)).toEqual([
      'ALENS013 [fetch(1), fetch(2)]',
      'ALENS013 {fetch(u) for u in urls}',
      'ALENS013 [asyncio.sleep(1)]',
    ]);
  });

  it('does not flag tasks, futures, variables or unknown calls', async () => {
    const source = py`
      import asyncio
      async def fetch(u): ...
      async def main(tasks, make_task):
          await asyncio.wait(tasks)
          await asyncio.wait([asyncio.create_task(fetch(1)), make_task()])
          await asyncio.wait([asyncio.ensure_future(fetch(u)) for u in range(3)])
    `;
    expect(await flagged(waitBareCoroutinesRule, source)).toEqual([]);
  });

  it('wraps each coroutine in create_task', async () => {
    expect(await fixed(waitBareCoroutinesRule, 'import asyncio\nasync def f(): ...\nasync def m():\n    await asyncio.wait([f(), t])\n')).toBe(
      'import asyncio\nasync def f(): ...\nasync def m():\n    await asyncio.wait([asyncio.create_task(f()), t])\n',
    );
  });
});
