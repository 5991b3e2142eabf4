import { describe, expect, it } from 'vitest';
import { flagged, py } from '../testing/ruleHarness';
import { busyWaitRule } from './busyWait';

describe('ALENS009 busy wait', () => {
  it('flags a while loop whose body only sleeps', async () => {
    const source = py`
      import asyncio
      async def wait_ready(state):
          while not state.ready:
              await asyncio.sleep(0.1)
          while state.pending:
              pass
              await asyncio.sleep(1)
    `;
    expect(await flagged(busyWaitRule, source)).toEqual(['ALENS009 not state.ready', 'ALENS009 state.pending']);
  });

  it('does not flag loops that do work, or sleeps from other libraries', async () => {
    const source = py`
      import asyncio, trio
      async def tick(state):
          while state.running:
              state.step()
              await asyncio.sleep(1)
          while x:
              await trio.sleep(1)
          while y:
              await asyncio.wait_for(event.wait(), 1)
          while True:  # sleeping forever until cancelled is not polling
              await asyncio.sleep(3600)
    `;
    expect(await flagged(busyWaitRule, source)).toEqual([]);
  });
});
