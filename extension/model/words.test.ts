import * as l10n from '@vscode/l10n';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../debug-adapter/agentProtocol';
import { ageText, cancelMarks, chainText, describeFinished, describeTask, rowState, taskTooltip, waitWords, whereSuspended } from './words';

function task(extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    id: 2, name: 'fetch-1', parent: 1, state: 'pending', group: null, coro: 'fetch', created_at: null,
    chain: [], waiting_on: null, awaited_by: [], exception: null,
    cancel: null, steps: 0, busy_ms: 0, created: null, first_run: null, finished: null, shielded: false, ...extra,
  };
}
const wait = (kind: string, detail = '', tasks: number[] = []) => task({ waiting_on: { kind, detail, tasks } });
const names: Record<number, string> = { 1: 'main', 7: 'writer', 9: 'fetch-3' };
const nameOf = (id: number) => names[id];

describe('what a task waits on, in words', () => {
  const w = (waiting: Partial<NonNullable<TaskInfo['waiting_on']>> & { kind: string }) =>
    task({ waiting_on: { detail: '', tasks: [], ...waiting } });
  it.each([
    [w({ kind: 'sleep', deadline: 101.4 }), 'sleep, 1.4 s left'],
    [w({ kind: 'sleep', deadline: 159.9 }), 'sleep, 59 s left'],
    [w({ kind: 'sleep', deadline: 700 }), 'sleep, 10 min 0 s left'],
    [w({ kind: 'sleep', deadline: 4000 }), 'sleep, 1 h 5 min left'],
    [w({ kind: 'sleep', deadline: 97.5 }), 'sleep, 2.5 s overdue'],
    [w({ kind: 'sleep' }), 'sleep'],
    [w({ kind: 'sleep', deadline: 103, timeout: 144 }), 'sleep, 3.0 s left, timeout in 44 s'],
    [w({ kind: 'sleep', deadline: 144, timeout: 144 }), 'sleep, timeout in 44 s'],
    [w({ kind: 'event', deadline: 130, timeout: 130 }), 'Event.wait, timeout in 30 s'],
    [w({ kind: 'timeout', deadline: 105, timeout: 105 }), 'timeout in 5.0 s'],
    [wait('queue.get', '0/10'), 'Queue.get (0/10)'],
    [wait('queue.put', 'PriorityQueue 3/3'), 'PriorityQueue.put (3/3)'],
    [wait('queue.get', ''), 'Queue.get'],
    [wait('queue.join', '2 items unfinished'), 'Queue.join (2 items unfinished)'],
    [wait('lock', "held by 'writer'", [7]), "Lock held by 'writer'"],
    [wait('lock', 'free, about to be taken'), 'Lock.acquire'],
    [wait('semaphore', 'none free'), 'Semaphore.acquire'],
    [wait('event', 'not set'), 'Event.wait'],
    [wait('condition', 'until notified'), 'Condition.wait'],
    [wait('barrier', '2/3 arrived'), 'Barrier.wait (2/3 arrived)'],
    [wait('task', "'fetch-3'", [9]), "task 'fetch-3'"],
    [wait('task', '', [42]), 'task #42'],
    [wait('shield', "'fetch-3'", [9]), "shield around task 'fetch-3'"],
    [w({ kind: 'wait_for', detail: "'fetch-3'", tasks: [9], deadline: 110, timeout: 110 }), "wait_for task 'fetch-3', timeout in 10 s"],
    [wait('taskgroup', '4 tasks left', [3, 4, 5, 6]), 'TaskGroup (4 tasks)'],
    [wait('gather', '1/3 done'), 'gather (1/3 done)'],
    [w({ kind: 'thread', thread: 'asyncio_0', work: 'blocking', work_state: 'running' }), "thread 'asyncio_0' in blocking()"],
    [w({ kind: 'thread', thread: 'asyncio_0', work: 'sleep', work_state: 'done' }), "thread 'asyncio_0' finished sleep()"],
    [w({ kind: 'thread', work_state: 'queued' }), 'queued for a worker thread'],
    [w({ kind: 'thread', thread: 'ThreadPoolExecutor-0_1' }), "thread 'ThreadPoolExecutor-0_1'"],
    [w({ kind: 'thread' }), 'thread'],
    [task({ waiting_on: { kind: 'lock', detail: "held by 'writer'", tasks: [], holder: 7 } }), "Lock held by 'writer'"],
    [wait('runnable'), 'ready to run'],
    [task({ state: 'running' }), 'running'],
  ])('%#: %s', (t, words) => {
    expect(waitWords(t, nameOf, 100)).toBe(words);
  });

  it('counts down: the time left is computed when the words are made, from the deadline', () => {
    const sleeping = w({ kind: 'sleep', deadline: 160 });
    expect(waitWords(sleeping, nameOf, 100)).toBe('sleep, 1 min 0 s left');
    expect(waitWords(sleeping, nameOf, 111)).toBe('sleep, 49 s left');
    expect(waitWords(sleeping, nameOf, 154)).toBe('sleep, 6.0 s left');
  });
});

describe('row words', () => {
  it('states', () => {
    expect(rowState(wait('sleep'))).toBe('waiting');
    expect(rowState(task({ cancel: { requested: 1, count: 1, by_task: null, via: 'user', site: null, message: null } }))).toBe('cancelling');
    expect(rowState(task({ state: 'failed' }))).toBe('failed');
  });

  it('ages', () => {
    expect(ageText(0.42)).toBe('0.4 s');
    expect(ageText(42.9)).toBe('42 s');
    expect(ageText(185)).toBe('3 min');
    expect(ageText(7300)).toBe('2 h');
  });

  it('description: wait, cancellation, shield, age', () => {
    const t = task({
      waiting_on: { kind: 'sleep', detail: '', tasks: [], deadline: 115.5 }, shielded: true, created: 100,
      cancel: { requested: 101, count: 2, by_task: 1, via: 'user', site: { file: '/w/app.py', line: 12 }, message: 'stop' },
    });
    expect(cancelMarks(t)).toEqual(['cancel ×2', 'shielded']);
    expect(describeTask(t, nameOf, 112.5)).toBe('sleep, 3.0 s left · cancel ×2 · shielded · 12 s');
    const tip = taskTooltip({ ...t, steps: 4, busy_ms: 1.25, created_at: { file: '/w/app.py', line: 30 } }, nameOf, 112.5);
    expect(tip).toContain("Cancel requested (2×) by task 'main' via a cancel() call");
    expect(tip).toContain('Requested at `app.py:12`');
    expect(tip).toContain('Message: `stop`');
    expect(tip).toContain('Steps: 4, busy 1.3 ms');
    expect(tip).toContain('Created at `app.py:30`');
  });

  it('a running task with a cancel requested shows the mark too (it is handling the cancellation)', () => {
    const cancel = { requested: 101, count: 1, by_task: 1, via: 'user', site: null, message: null } as const;
    expect(describeTask(task({ state: 'running', waiting_on: null, cancel }), nameOf)).toBe('running · cancel ×1');
    expect(cancelMarks(task({ state: 'cancelled', cancel }))).toEqual([]);
  });

  it('finished tasks', () => {
    expect(describeFinished(task({ state: 'failed', exception: 'ValueError: bad', created: 1, finished: 3.5 }))).toBe('failed · ValueError: bad · lived 2.5 s');
  });

  it('skips asyncio frames to find where the user code waits; copies the chain', () => {
    const t = task({ chain: [{ name: 'fetch', file: '/w/app.py', line: 12 }, { name: 'sleep', file: '/usr/lib/python3.12/asyncio/tasks.py', line: 665 }] });
    expect(whereSuspended(t)?.line).toBe(12);
    expect(chainText(t)).toBe("Task 'fetch-1' (fetch) pending\n  fetch at /w/app.py:12\n  sleep at /usr/lib/python3.12/asyncio/tasks.py:665");
  });
});

describe('Russian', () => {
  afterEach(() => l10n.config({ contents: {} }));
  it('speaks Russian with the bundle loaded, and the bundle covers every string of the model', () => {
    const bundle = JSON.parse(readFileSync(join(__dirname, '../../l10n/bundle.l10n.ru.json'), 'utf8')) as Record<string, string>;
    l10n.config({ contents: bundle });
    expect(waitWords(task({ waiting_on: { kind: 'sleep', detail: '', tasks: [], deadline: 101.4 } }), undefined, 100)).toBe('sleep, осталось 1.4 с');
    expect(ageText(185)).toBe('3 мин');
    // every l10n.t('…') literal of extension/ is in the Russian bundle
    const sources = ['model/words.ts', 'tasksView.ts', 'statusBar.ts', 'taskCommands.ts', 'pausedHints.ts', '../debug-adapter/waitWords.ts'];
    const missing: string[] = [];
    for (const file of sources) {
      const text = readFileSync(join(__dirname, '..', file), 'utf8');
      for (const m of text.matchAll(/\bl10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
        const key = (m[1] ?? m[2]).replace(/\\'/g, "'");
        if (!(key in bundle)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
