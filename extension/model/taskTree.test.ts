import { describe, expect, it } from 'vitest';
import type { TaskInfo, TasksChangedParams } from '../../debug-adapter/agentProtocol';
import { CHUNK_SIZE, TaskTreeModel, TreeNode } from './taskTree';
import { renderTaskTree } from './textTree';

function task(id: number, name: string, parent: number | null, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    id, name, parent, state: 'pending', group: null, coro: `${name}_coro`, created_at: null,
    chain: [], waiting_on: null, awaited_by: [], exception: null,
    cancel: null, steps: 0, busy_ms: 0, created: null, first_run: null, finished: null, shielded: false, ...extra,
  };
}

const delta = (tasks: TaskInfo[], finished: TaskInfo[] = [], seq = 1): TasksChangedParams => ({ seq, time: 0, reset: false, tasks, finished });

/** Row labels of the whole tree, indented, as a person would read it after expanding everything but frames. */
function outline(model: TaskTreeModel, node?: TreeNode, depth = 0, out: string[] = []): string[] {
  for (const child of model.childNodes(node)) {
    if (child.kind === 'frame') continue;
    const label = child.kind === 'task' ? model.get(child.id)!.name
      : child.kind === 'group' ? `TaskGroup(${model.groupSize(child.gid)})`
      : child.kind === 'finished' ? `✓${model.lookup(child.id)!.name}`
      : child.kind === 'ref' ? `→${model.nameOf(child.taskId)}`
      : child.key;
    out.push(`${'  '.repeat(depth)}${label}`);
    if (child.kind !== 'chunk' || depth < 1) outline(model, child, depth + 1, out);
  }
  return out;
}

describe('TaskTreeModel: structure', () => {
  it('puts tasks under the task that created them', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'main', null), task(2, 'fetch-1', 1), task(3, 'fetch-2', 1), task(4, 'parse', 3)]);
    expect(model.children(undefined).map((t) => t.name)).toEqual(['main']);
    expect(model.children(1).map((t) => t.name)).toEqual(['fetch-1', 'fetch-2']);
    expect(model.labels()).toEqual(['main', 'fetch-1', 'fetch-2', 'parse']);
    expect(outline(model)).toEqual(['main', '  fetch-1', '  fetch-2', '    parse']);
  });

  it("puts a TaskGroup's tasks under a TaskGroup node under its owner", () => {
    const model = new TaskTreeModel();
    model.reset([
      task(1, 'main', null), task(2, 'a', 1, { group: 7 }), task(3, 'b', 1, { group: 7 }), task(4, 'side', 1), task(5, 'inner', 2),
    ]);
    expect(outline(model)).toEqual(['main', '  TaskGroup(2)', '    a', '      inner', '    b', '  side']);
    expect(model.parentNode(model.taskNode(2)!)?.kind).toBe('group');
  });

  it('shows await chain frames first under a task', () => {
    const model = new TaskTreeModel();
    const chain = [{ name: 'main', file: '/w/app.py', line: 3 }, { name: 'fetch', file: '/w/app.py', line: 9 }];
    model.reset([task(1, 'main', null, { chain }), task(2, 'a', 1)]);
    const kids = model.childNodes(model.taskNode(1));
    expect(kids.map((n) => n.kind)).toEqual(['frame', 'frame', 'task']);
    expect(kids[1]).toMatchObject({ kind: 'frame', frame: { line: 9 } });
    expect(model.hasChildren(model.taskNode(2)!)).toBe(false);
  });

  it('applies deltas: new and changed tasks, finished ones go to the Finished section', () => {
    const model = new TaskTreeModel();
    model.apply({ seq: 1, time: 0, reset: true, tasks: [task(1, 'main', null), task(2, 'a', 1)], finished: [] });
    model.apply(delta([task(3, 'b', 1), task(2, 'a', 1, { state: 'running' })]));
    expect(model.labels()).toEqual(['main', 'a', 'b']);
    model.apply(delta([], [task(2, 'a', 1, { state: 'done' })]));
    expect(model.labels()).toEqual(['main', 'b']);
    expect(outline(model)).toEqual(['main', '  b', 'finished', '  ✓a']);
    model.setHideFinished(true);
    expect(outline(model)).toEqual(['main', '  b']);
  });

  it('bounds the history', () => {
    const model = new TaskTreeModel(3);
    for (let i = 1; i <= 5; i++) model.apply(delta([], [task(i, `t${i}`, null, { state: 'done' })]));
    expect(model.finished.map((t) => t.name)).toEqual(['t3', 't4', 't5']);
    expect(outline(model)).toEqual(['finished', '  ✓t5', '  ✓t4', '  ✓t3']);
  });

  it('a reset delta drops what it does not list', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'old', null)]);
    model.apply({ seq: 1, time: 0, reset: true, tasks: [task(5, 'new', null)], finished: [] });
    expect(model.labels()).toEqual(['new']);
  });

  it('shows an orphan (parent finished) at the top level, TaskGroups included', () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'main', null), task(2, 'child', 1), task(3, 'grandchild', 2), task(4, 'm', 2, { group: 9 })]);
    model.apply(delta([], [task(2, 'child', 1, { state: 'done' })]));
    expect(outline(model)).toEqual(['TaskGroup(1)', '  m', 'main', 'grandchild', 'finished', '  ✓child']);
  });

  it('a parent arriving in the same delta as its child is found', () => {
    const model = new TaskTreeModel();
    model.reset([]);
    model.apply(delta([task(3, 'child', 2), task(2, 'parent', null)]));
    expect(outline(model)).toEqual(['parent', '  child']);
  });
});

describe('TaskTreeModel: awaited by', () => {
  it('puts a task under the task that awaits it and never makes a cycle', () => {
    const model = new TaskTreeModel();
    const waits = (ids: number[]) => ({ waiting_on: { kind: 'task', detail: '', tasks: ids } });
    model.reset([
      task(1, 'main', null, waits([2])), task(2, 'worker', 1, waits([3])), task(3, 'leaf', 1), task(4, 'free', 1),
    ]);
    model.setArrangement('awaitedBy');
    expect(outline(model)).toEqual(['main', '  worker', '    leaf', 'free']);
    // leaf now awaits main: a cycle; every task is still shown once, and the runtime's warning names the cycle
    model.apply({ seq: 2, time: 5, reset: false, tasks: [task(3, 'leaf', 1, waits([1]))], finished: [] });
    model.addWarning({ kind: 'await_cycle', task: 1, tasks: [1, 2, 3], message: 'await cycle (deadlock): ...', time: 5 });
    const lines = outline(model);
    for (const name of ['main', 'worker', 'leaf', 'free']) expect(lines.filter((l) => l.trim() === name), lines.join('\n')).toHaveLength(1);
    // back to structure
    model.setArrangement('structure');
    expect(outline(model).slice(0, 5)).toEqual(['warnings', '  w:await_cycle:1,2,3', '    →main', '    →worker', '    →leaf']);
  });

  it('shows every task of a two-task cycle that nothing else awaits, whichever arrives first', () => {
    const waits = (ids: number[]) => ({ waiting_on: { kind: 'task', detail: '', tasks: ids } });
    for (const order of [[2, 3], [3, 2]]) {
      const model = new TaskTreeModel();
      model.setArrangement('awaitedBy');
      model.reset([task(1, 'main', null), task(2, 'cycle-a', 1), task(3, 'cycle-b', 1)]);
      const next = { 2: task(2, 'cycle-a', 1, { ...waits([3]), awaited_by: [3] }), 3: task(3, 'cycle-b', 1, { ...waits([2]), awaited_by: [2] }) };
      model.apply(delta(order.map((id) => next[id as 2 | 3])));
      const lines = outline(model).map((l) => l.trim());
      expect(lines.sort()).toEqual(['cycle-a', 'cycle-b', 'main']);
      const withKids = [2, 3].filter((id) => model.containerSize(`t:${id}`) > 0);
      expect(withKids).toHaveLength(1);
    }
  });
});

describe('TaskTreeModel: await cycles in Warnings', () => {
  it('one entry per cycle, whichever task it starts from and however it comes, with its tasks as children', () => {
    const model = new TaskTreeModel();
    model.reset([task(9, 'cycle-a', null), task(10, 'cycle-b', null)]);
    model.addWarning({ kind: 'await_cycle', task: 9, tasks: [9, 10], message: "await cycle (deadlock): 'cycle-a' -> 'cycle-b' -> 'cycle-a'", time: 1 });
    model.addWarning({ kind: 'await_cycle', task: 10, tasks: [10, 9], message: '', time: 2 });
    model.setCycles([[9, 10]], 3);
    model.applySnapshot({ version: 1, python: '3.12', pid: 1, time: 4, tasks: [task(9, 'cycle-a', null), task(10, 'cycle-b', null)], history: [],
      cycles: [[9, 10]], blocked: null, warnings: [{ kind: 'await_cycle', task: 9, tasks: [9, 10], message: '', time: 1 }] });
    expect(model.warnings).toHaveLength(1);
    expect(model.warnings[0].cycle).toEqual([9, 10]);
    expect(outline(model)).toEqual(['warnings', '  w:await_cycle:9,10', '    →cycle-a', '    →cycle-b', 'cycle-a', 'cycle-b']);
    expect(model.hasChildren(model.childNodes(model.childNodes()[0])[0])).toBe(true);
  });
});

describe('TaskTreeModel: incremental changes', () => {
  const base = () => {
    const model = new TaskTreeModel();
    model.reset([task(1, 'main', null), task(2, 'a', 1), task(3, 'b', 1)]);
    expect(model.takeChanges()).toMatchObject({ all: true });
    return model;
  };

  it('a changed row refreshes that row only', () => {
    const model = base();
    model.apply(delta([task(2, 'a', 1, { state: 'running' })]));
    const c = model.takeChanges();
    expect(c).toMatchObject({ all: false, root: false, rows: 1 });
    expect(c.nodes).toEqual([model.taskNode(2)]);
    expect(c.nodes[0]).toBe(model.taskNode(2)); // the same object every time: VS Code keeps expansion and selection
  });

  it('an unchanged row refreshes nothing', () => {
    const model = base();
    model.apply(delta([task(2, 'a', 1)]));
    expect(model.takeChanges()).toMatchObject({ all: false, root: false, nodes: [] });
  });

  it('a new child refreshes its parent; a finished one its parent and the Finished section', () => {
    const model = base();
    model.apply(delta([task(4, 'c', 2)]));
    // a's first child: a is listed anew by its own container (main), under a new row id
    expect(model.takeChanges().nodes).toEqual([model.taskNode(2), model.taskNode(1)]);
    expect(model.rowId(2)).toBe('t:2~1');
    model.apply(delta([], [task(4, 'c', 2, { state: 'done' })]));
    const c = model.takeChanges();
    expect(c.root).toBe(true); // the Finished section appeared
    expect(c.nodes).toEqual([model.taskNode(2)]);
    model.apply(delta([], [task(3, 'b', 1, { state: 'done' })]));
    expect(model.takeChanges()).toMatchObject({ root: false, nodes: [model.taskNode(1), { kind: 'section', key: 'finished' }] });
  });

  it('gives a row a new id when it gains its first child (VS Code would keep it collapsed), not when the user collapsed it', () => {
    const model = base();
    expect([model.rowId(1), model.rowId(2)]).toEqual(['t:1', 't:2']);
    model.apply(delta([task(4, 'c', 2)]));
    model.apply(delta([task(5, 'd', 2)]));
    expect(model.rowId(2)).toBe('t:2~1'); // a second child changes nothing
    model.apply(delta([], [task(4, 'c', 2, { state: 'done' }), task(5, 'd', 2, { state: 'done' })]));
    model.noteCollapsed(2, true);
    model.apply(delta([task(6, 'e', 2)]));
    expect(model.rowId(2)).toBe('t:2~1');
    model.noteCollapsed(3, false);
    model.apply(delta([task(7, 'f', 3)]));
    expect(model.rowId(3)).toBe('t:3~1');
    model.setArrangement('awaitedBy');
    expect(model.rowId(2)).toMatch(/^a:2/);
  });

  it('splits a long list into chunks and refreshes only the chunks from the change on', () => {
    const model = new TaskTreeModel();
    const n = 3 * CHUNK_SIZE + 10;
    model.reset([task(1, 'main', null), ...Array.from({ length: n }, (_, i) => task(i + 2, `t${i}`, 1))]);
    model.takeChanges();
    const kids = model.childNodes(model.taskNode(1));
    expect(kids.map((k) => k.kind)).toEqual(['chunk', 'chunk', 'chunk', 'chunk']);
    expect(model.childNodes(kids[3])).toHaveLength(10);
    // a task in the last chunk finishes: only that chunk (and the Finished section) refresh
    model.apply(delta([], [task(n, `t${n - 2}`, 1, { state: 'done' })]));
    const c = model.takeChanges();
    expect(c.nodes.filter((x) => x.kind === 'chunk')).toEqual([kids[3]]);
    expect(model.parentNode(model.taskNode(5)!)).toBe(kids[0]);
  });
});

describe('10 000 tasks', () => {
  it('a delta of one changed, one new and one finished task costs a handful of operations and refreshes', () => {
    const model = new TaskTreeModel();
    const many = Array.from({ length: 10_000 }, (_, i) => task(i + 2, `t${i}`, 1, { group: 3 }));
    model.reset([task(1, 'main', null), ...many]);
    model.takeChanges();
    model.apply(delta([task(5000, 't4998', 1, { group: 3, state: 'running' }), task(20_000, 'late', 1, { group: 3 })], [task(9000, 't8998', 1, { group: 3, state: 'done' })]));
    const c = model.takeChanges();
    expect(c.all).toBe(false);
    expect(c.rows).toBe(1);
    expect(c.work).toBeLessThanOrEqual(6);
    // the changed row, the chunks from the one that lost a task on (8, 9, 10, 11: the new one is last), the
    // group row (its count), the Finished section: never thousands of rows
    expect(c.nodes.length).toBeLessThanOrEqual(8);
    expect(c.nodes).toContain(model.taskNode(5000));
    expect(model.size).toBe(10_001);
  });

  it('many changed rows in one go become one full refresh instead of thousands of node refreshes', () => {
    const model = new TaskTreeModel();
    const many = Array.from({ length: 10_000 }, (_, i) => task(i + 2, `t${i}`, 1));
    model.reset([task(1, 'main', null), ...many]);
    model.takeChanges();
    model.apply(delta(many.map((t) => ({ ...t, state: 'running' as const }))));
    expect(model.takeChanges()).toMatchObject({ all: true, rows: 10_000 });
  });
});

describe('text tree', () => {
  it('renders a pstree-like text tree', () => {
    const model = new TaskTreeModel();
    model.reset([
      task(1, 'main', null, { chain: [{ name: 'main', file: 'C:\\app\\x.py', line: 3 }] }),
      task(2, 'a', 1),
      task(3, 'b', 1, { waiting_on: { kind: 'sleep', detail: '', tasks: [], deadline: 101.4 } }),
      task(4, 'c', 2),
    ]);
    expect(renderTaskTree(model, 100)).toBe(
      ['main (main_coro) x.py:3', '├─ a (a_coro)', '│  └─ c (c_coro)', '└─ b (b_coro) sleep, 1.4 s left'].join('\n'),
    );
    expect(renderTaskTree(new TaskTreeModel())).toBe('(no live tasks)');
  });
});
