import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../debug-adapter/agentProtocol';
import { describeTask, TaskTreeModel, whereSuspended } from './taskTree';
import { renderTaskTree } from './textTree';

function task(id: number, name: string, parent: number | null, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    id, name, parent, state: 'pending', group: null, coro: `${name}_coro`, created_at: null,
    chain: [], waiting_on: null, awaited_by: [], exception: null, ...extra,
  };
}

const asyncioSleep = { name: 'sleep', file: '/opt/py/lib/python3.12/asyncio/tasks.py', line: 665 };

describe('TaskTreeModel', () => {
  it('puts tasks under the task that created them', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'main', null), task(2, 'fetch-1', 1), task(3, 'fetch-2', 1), task(4, 'parse', 3)]);
    expect(model.children(undefined).map((t) => t.name)).toEqual(['main']);
    expect(model.children(1).map((t) => t.name)).toEqual(['fetch-1', 'fetch-2']);
    expect(model.labels()).toEqual(['main', 'fetch-1', 'fetch-2', 'parse']);
    expect(model.hasChildren(2)).toBe(false);
  });

  it('applies deltas: new and changed tasks, finished ones leave', () => {
    const model = new TaskTreeModel();
    model.apply({ seq: 1, time: 0, reset: true, tasks: [task(1, 'main', null), task(2, 'a', 1)], finished: [] });
    model.apply({ seq: 2, time: 0, reset: false, tasks: [task(3, 'b', 1), task(2, 'a', 1, { state: 'running' })], finished: [] });
    expect(model.labels()).toEqual(['main', 'a', 'b']);
    expect(model.get(2)?.state).toBe('running');
    model.apply({ seq: 3, time: 0, reset: false, tasks: [], finished: [task(2, 'a', 1, { state: 'done' })] });
    expect(model.labels()).toEqual(['main', 'b']);
    expect(model.size).toBe(2);
  });

  it('a reset delta drops what it does not list', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'old', null)]);
    model.apply({ seq: 1, time: 0, reset: true, tasks: [task(5, 'new', null)], finished: [] });
    expect(model.labels()).toEqual(['new']);
  });

  it('shows an orphan (parent finished) at the top level', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'main', null), task(2, 'child', 1), task(3, 'grandchild', 2)]);
    model.apply({ seq: 1, time: 0, reset: false, tasks: [], finished: [task(2, 'child', 1, { state: 'done' })] });
    expect(model.children(undefined).map((t) => t.name)).toEqual(['main', 'grandchild']);
  });

  it('keeps 10 000 tasks cheap to update', () => {
    const model = new TaskTreeModel();
    const many = Array.from({ length: 10_000 }, (_, i) => task(i + 2, `t${i}`, 1));
    model.reset([task(1, 'main', null), ...many]);
    expect(model.children(1)).toHaveLength(10_000);
    model.apply({ seq: 1, time: 0, reset: false, tasks: [task(5000, 't4998', 1, { state: 'running' })], finished: [] });
    expect(model.get(5000)?.state).toBe('running');
    expect(model.children(1)).toHaveLength(10_000);
  });
});

describe('labels', () => {
  it('describes where a task waits, skipping asyncio frames', () => {
    const t = task(2, 'fetch-1', 1, {
      chain: [{ name: 'fetch', file: '/work/app/crawler.py', line: 12 }, asyncioSleep],
      waiting_on: { kind: 'sleep', detail: '1.4 s left', tasks: [] },
    });
    expect(whereSuspended(t)).toEqual({ name: 'fetch', file: '/work/app/crawler.py', line: 12 });
    expect(describeTask(t)).toBe('waiting · sleep 1.4 s left · crawler.py:12');
  });

  it('renders a pstree-like text tree', () => {
    const model = new TaskTreeModel();
    model.reset([
      task(1, 'main', null, { chain: [{ name: 'main', file: 'C:\\app\\x.py', line: 3 }] }),
      task(2, 'a', 1),
      task(3, 'b', 1),
      task(4, 'c', 2),
    ]);
    expect(renderTaskTree(model)).toBe(
      ['main (main_coro) waiting · x.py:3', '├─ a (a_coro) waiting', '│  └─ c (c_coro) waiting', '└─ b (b_coro) waiting'].join('\n'),
    );
    expect(renderTaskTree(new TaskTreeModel())).toBe('(no live tasks)');
  });
});
