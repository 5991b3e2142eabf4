import { describe, expect, it } from 'vitest';
import { check, flagged, py } from '../testing/ruleHarness';
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

  it('flags polling with anyio.sleep and trio.sleep, and names their Event', async () => {
    const source = py`
      import anyio
      from trio import sleep as trio_sleep
      async def receive(self):
          while self._queue.empty():
              await anyio.sleep(0)
          while not self._closed:
              await trio_sleep(0.05)
    `;
    const findings = await check(busyWaitRule, source);
    expect(findings.map((f) => f.node.text)).toEqual(['self._queue.empty()', 'not self._closed']);
    expect(findings[0].message).toContain('await anyio.sleep(): wait on an event (anyio.Event');
    expect(findings[1].message).toContain('await trio.sleep(): wait on an event (trio.Event');
  });

  it('flags while True loops that only sleep and check a flag to leave', async () => {
    const source = py`
      import asyncio
      async def wait_done(job):
          while True:
              if job.finished:
                  break
              await asyncio.sleep(0.5)
          while True:
              await asyncio.sleep(0.5)
              if job.result() is not None:
                  return job.result()
    `;
    expect(await flagged(busyWaitRule, source)).toEqual(['ALENS009 job.finished', 'ALENS009 job.result() is not None']);
  });

  it('does not flag loops that do work, sleep forever, wait on something else, or sleeps from unknown modules', async () => {
    const source = py`
      import asyncio
      async def tick(state, clock):
          while state.running:
              state.step()
              await asyncio.sleep(1)
          while x:
              await clock.sleep(1)
          while y:
              await asyncio.wait_for(event.wait(), 1)
          while True:  # sleeping forever until cancelled is not polling
              await asyncio.sleep(3600)
          while True:
              if state.stopped:
                  break
              else:
                  state.step()
              await asyncio.sleep(1)
          while True:
              if await state.poll():
                  break
              await asyncio.sleep(1)
          while True:
              if state.stopped:
                  state.cleanup()
                  break
              await asyncio.sleep(1)
    `;
    expect(await flagged(busyWaitRule, source)).toEqual([]);
  });
});
