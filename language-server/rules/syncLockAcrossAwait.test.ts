import { describe, expect, it } from 'vitest';
import { flagged, py } from '../testing/ruleHarness';
import { syncLockAcrossAwaitRule } from './syncLockAcrossAwait';

describe('ALENS015 thread lock across await', () => {
  it('flags threading and multiprocessing locks held with `with` across an await in a coroutine', async () => {
    const source = py`
      import threading
      from threading import RLock
      import multiprocessing

      _cache_lock = threading.Lock()

      class Cache:
          def __init__(self, guard: threading.Semaphore):
              self._lock = RLock()
              self._guard = guard

          async def refresh(self, fetch):
              with self._lock:
                  self.data = await fetch()
              with _cache_lock, open("log") as log:
                  async for line in fetch.stream():
                      log.write(line)
              with self._guard:
                  await fetch()
              cond = multiprocessing.Condition()
              with cond:
                  await fetch()
    `;
    expect(await flagged(syncLockAcrossAwaitRule, source)).toEqual([
      'ALENS015 self._lock',
      'ALENS015 _cache_lock',
      'ALENS015 self._guard',
      'ALENS015 cond',
    ]);
  });

  it('does not flag asyncio locks, locks released before the await, sync code, or locks of unknown type', async () => {
    const source = py`
      import asyncio
      import threading

      lock = threading.Lock()

      async def ok(fetch, other_lock):
          async with asyncio.Lock():
              await fetch()
          with lock:
              data = compute()
          await fetch(data)
          with other_lock:
              await fetch()

      def sync():
          with lock:
              compute()

      async def outer():
          with lock:
              def later():
                  return 1
          async def inner():
              await later()
    `;
    expect(await flagged(syncLockAcrossAwaitRule, source)).toEqual([]);
  });
});
