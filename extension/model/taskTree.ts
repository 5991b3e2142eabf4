/**
 * The Async Tasks tree as plain data. It applies snapshots and the runtime's throttled
 * `tasks/changed` deltas INCREMENTALLY: each delta touches only the containers and rows it
 * changes, and `takeChanges()` says which nodes the view must refresh (stable node objects,
 * one per id), so that VS Code keeps expansion and selection and never re-renders 10 000 rows
 * for one task. Children are computed lazily when the view asks. Imports nothing from `vscode`.
 *
 * Arrangements:
 * - `structure`: a TaskGroup's tasks under a "TaskGroup" node under the task that owns it
 *   (the creator of its first member); other tasks under the task that created them;
 *   a task whose parent is gone at the top.
 * - `awaitedBy`: a task under the task that awaits it (through `waiting_on.tasks` of the
 *   awaiter, then its own `awaited_by`), like `python -m asyncio pstree`; never a cycle.
 */
import type { ChainFrame, LoopBlocked, Snapshot, TaskInfo, TasksChangedParams, TaskWarning } from '../../debug-adapter/agentProtocol';

export type Arrangement = 'structure' | 'awaitedBy';

export interface TaskNode { readonly kind: 'task'; readonly key: string; readonly id: number }
export interface GroupNode { readonly kind: 'group'; readonly key: string; readonly gid: number }
/** A slice of a long list of children ("tasks 1001–2000"), so no single refresh carries 10 000 rows. */
export interface ChunkNode { readonly kind: 'chunk'; readonly key: string; readonly container: string; readonly index: number }
export interface FrameNode { readonly kind: 'frame'; readonly key: string; readonly taskId: number; readonly index: number; readonly frame: ChainFrame }
export interface SectionNode { readonly kind: 'section'; readonly key: 'finished' | 'warnings' }
export interface FinishedNode { readonly kind: 'finished'; readonly key: string; readonly id: number }
export interface WarningNode { readonly kind: 'warning'; readonly key: string; readonly warning: ViewWarning }
/** A task named by a warning (a member of an await cycle). */
export interface RefNode { readonly kind: 'ref'; readonly key: string; readonly taskId: number }
export type TreeNode = TaskNode | GroupNode | ChunkNode | FrameNode | SectionNode | FinishedNode | WarningNode | RefNode;

export interface ViewWarning {
  key: string;
  kind: TaskWarning['kind'];
  message: string;
  task: number | null;
  time: number;
  /** Blocked loop: the loop thread's stack. */
  stack?: ChainFrame[];
  /** Await cycle: the task ids, in edge order. */
  cycle?: number[];
  /** Blocked loop still going on. */
  ongoing?: boolean;
  /** Blocked loop that recovered: how long it was blocked. */
  durationMs?: number;
}

/** What the view must refresh after some deltas. `all`: everything (a reset, a mode switch, too many changes). */
export interface Changes {
  all: boolean;
  /** Nodes to pass to `onDidChangeTreeData` (the root is not among them; see `root`). */
  nodes: TreeNode[];
  /** The top level changed (VS Code refreshes the root with `fire(undefined)`). */
  root: boolean;
  /** Rows whose own content changed (for statistics and tests). */
  rows: number;
  /** Container and row operations apply() did for these changes: the work, independent of the tree's size. */
  work: number;
}

export const CHUNK_SIZE = 1000;
export const DEFAULT_HISTORY_LIMIT = 500;
export const WARNINGS_LIMIT = 200;
/** Above this many nodes to refresh, one full refresh is cheaper (VS Code's refresh is O(n²) in them). */
export const MAX_FIRED_NODES = 200;

const ROOT = 'root';
const taskKey = (id: number) => `t:${id}`;
const groupKey = (gid: number) => `g:${gid}`;

export class TaskTreeModel {
  private readonly tasks = new Map<number, TaskInfo>();
  private mode: Arrangement = 'structure';
  /** Container key of each live task: 'root', 't:<id>' or 'g:<gid>'. */
  private readonly containerOf = new Map<number, string>();
  /** Task ids per container, ascending. */
  private readonly kids = new Map<string, number[]>();
  /** TaskGroup ids per container ('root' or 't:<id>'), ascending. */
  private readonly groupsIn = new Map<string, number[]>();
  private readonly groupOwner = new Map<number, number | null>();
  private readonly groupContainer = new Map<number, string>();
  private readonly groupMembers = new Map<number, number>();
  /** awaitedBy mode: who awaits each task, from the awaiters' `waiting_on.tasks`. */
  private readonly awaiters = new Map<number, Set<number>>();
  /** Per task: how many times its row gained children (see rowId). */
  private readonly rowEpochs = new Map<number, number>();
  /** Tasks whose row the user collapsed: they keep their row id, and so their state. */
  private readonly collapsedByUser = new Set<number>();

  private readonly taskNodes = new Map<number, TaskNode>();
  private readonly groupNodes = new Map<number, GroupNode>();
  private readonly chunkNodes = new Map<string, ChunkNode>();
  private readonly finishedNodes = new Map<number, FinishedNode>();
  private readonly warningNodes = new Map<string, WarningNode>();
  private readonly sections = {
    finished: { kind: 'section', key: 'finished' } as SectionNode,
    warnings: { kind: 'section', key: 'warnings' } as SectionNode,
  };

  private readonly history: TaskInfo[] = [];
  private readonly historyById = new Map<number, TaskInfo>();
  private warningList: ViewWarning[] = [];
  private blockedNow: LoopBlocked | null = null;
  private hideFinishedFlag = false;

  // pending changes, until takeChanges()
  private pendAll = true;
  private pendRoot = false;
  private readonly pendRows = new Set<number>();
  /** Container key → first list position that changed. */
  private readonly pendContainers = new Map<string, number>();
  /** Chunk count per container when last reported, to tell a chunk refresh from a container refresh. */
  private readonly reportedChunks = new Map<string, number>();
  private pendGroupRows = new Set<number>();
  private pendSections = new Set<'finished' | 'warnings'>();
  /** Count of container/row operations done by apply() since the last takeChanges() (the work, for tests). */
  work = 0;

  constructor(private readonly historyLimit = DEFAULT_HISTORY_LIMIT) {}

  // ── reading ──────────────────────────────────────────────────────────────────────────
  get size(): number {
    return this.tasks.size;
  }

  get arrangement(): Arrangement {
    return this.mode;
  }

  get hideFinished(): boolean {
    return this.hideFinishedFlag;
  }

  get blocked(): LoopBlocked | null {
    return this.blockedNow;
  }

  get warnings(): readonly ViewWarning[] {
    return this.warningList;
  }

  get finished(): readonly TaskInfo[] {
    return this.history;
  }

  get(id: number): TaskInfo | undefined {
    return this.tasks.get(id);
  }

  /** A live task, else a finished one from the history. */
  lookup(id: number): TaskInfo | undefined {
    return this.tasks.get(id) ?? this.historyById.get(id);
  }

  nameOf = (id: number): string | undefined => this.lookup(id)?.name;

  liveTasks(): IterableIterator<TaskInfo> {
    return this.tasks.values();
  }

  taskNode(id: number): TaskNode | undefined {
    return this.taskNodes.get(id);
  }

  /**
   * The id of a task's row for VS Code. VS Code applies a row's collapsible state only the first time it sees
   * its id, and keeps the old state after that: a row shown without children (collapsed, or a leaf) that gains
   * some (a task that comes to await another, a parent that creates its first task) would hide them, the
   * awaited-by arrangement's cycles included. So the id changes when that happens (and with the arrangement),
   * and VS Code lists the row anew, expanded; not for a row the user collapsed.
   */
  rowId(id: number): string {
    const epoch = this.rowEpochs.get(id);
    return `${this.mode === 'awaitedBy' ? 'a' : 't'}:${id}${epoch ? `~${epoch}` : ''}`;
  }

  /** The user collapsed (or expanded again) a task's row. */
  noteCollapsed(id: number, collapsed: boolean): void {
    if (collapsed) this.collapsedByUser.add(id);
    else this.collapsedByUser.delete(id);
  }

  /** Members of a TaskGroup that are live. */
  groupSize(gid: number): number {
    return this.groupMembers.get(gid) ?? 0;
  }

  // ── the tree ─────────────────────────────────────────────────────────────────────────
  /** The children of a node, or the top level for `undefined`. */
  childNodes(node?: TreeNode): TreeNode[] {
    if (!node) {
      const out: TreeNode[] = [];
      if (this.warningList.length) out.push(this.sections.warnings);
      out.push(...this.containerChildren(ROOT));
      if (this.history.length && !this.hideFinishedFlag) out.push(this.sections.finished);
      return out;
    }
    switch (node.kind) {
      case 'task': {
        const task = this.tasks.get(node.id);
        if (!task) return [];
        return [...this.frameNodes(task), ...this.containerChildren(node.key)];
      }
      case 'group':
        return this.containerChildren(node.key);
      case 'chunk': {
        const list = this.kids.get(node.container) ?? [];
        return list.slice(node.index * CHUNK_SIZE, (node.index + 1) * CHUNK_SIZE).map((id) => this.taskNodes.get(id)!);
      }
      case 'section':
        if (node.key === 'finished') {
          const out: TreeNode[] = [];
          for (let i = this.history.length - 1; i >= 0; i--) out.push(this.finishedNodeFor(this.history[i].id));
          return out;
        }
        return this.warningList.map((w) => this.warningNodeFor(w));
      case 'finished': {
        const task = this.historyById.get(node.id);
        return task ? this.frameNodes(task) : [];
      }
      case 'warning': {
        const w = node.warning;
        if (w.stack) return w.stack.map((frame, index) => ({ kind: 'frame', key: `${node.key}/f${index}`, taskId: w.task ?? -1, index, frame }));
        if (w.cycle) return w.cycle.map((taskId) => ({ kind: 'ref', key: `${node.key}/r${taskId}`, taskId }));
        return [];
      }
      default:
        return [];
    }
  }

  hasChildren(node: TreeNode): boolean {
    switch (node.kind) {
      case 'task': {
        const task = this.tasks.get(node.id);
        return !!task && (task.chain.length > 0 || this.containerSize(node.key) > 0);
      }
      case 'group':
      case 'chunk':
      case 'section':
        return true;
      case 'finished':
        return (this.historyById.get(node.id)?.chain.length ?? 0) > 0;
      case 'warning':
        return !!(node.warning.stack?.length || node.warning.cycle?.length);
      default:
        return false;
    }
  }

  /** Number of tasks and groups directly inside a task or group node (not frames). */
  containerSize(key: string): number {
    return (this.kids.get(key)?.length ?? 0) + (this.groupsIn.get(key)?.length ?? 0);
  }

  /** The parent node (for `TreeView.reveal`); undefined at the top level. */
  parentNode(node: TreeNode): TreeNode | undefined {
    switch (node.kind) {
      case 'task': {
        const container = this.containerOf.get(node.id);
        if (!container) return undefined;
        const list = this.kids.get(container)!;
        if (list.length > CHUNK_SIZE) {
          const index = Math.floor(binarySearch(list, node.id) / CHUNK_SIZE);
          return this.chunkNode(container, index);
        }
        return this.containerNode(container);
      }
      case 'group':
        return this.containerNode(this.groupContainer.get(node.gid) ?? ROOT);
      case 'chunk':
        return this.containerNode(node.container);
      case 'frame':
        return this.taskNodes.get(node.taskId) ?? this.finishedNodes.get(node.taskId);
      case 'finished':
        return this.sections.finished;
      case 'warning':
        return this.sections.warnings;
      default:
        return undefined;
    }
  }

  /** Live tasks in a structure-mode-like order under a task (`undefined`: the top), for text trees. */
  children(parent: number | undefined): TaskInfo[] {
    const key = parent === undefined ? ROOT : taskKey(parent);
    const out: TaskInfo[] = [];
    for (const gid of this.groupsIn.get(key) ?? []) for (const id of this.kids.get(groupKey(gid)) ?? []) out.push(this.tasks.get(id)!);
    for (const id of this.kids.get(key) ?? []) out.push(this.tasks.get(id)!);
    return out;
  }

  /** Names of all live tasks in tree order (depth first). */
  labels(): string[] {
    const out: string[] = [];
    const walk = (parent: number | undefined) => {
      for (const task of this.children(parent)) {
        out.push(task.name);
        walk(task.id);
      }
    };
    walk(undefined);
    return out;
  }

  // ── updating ─────────────────────────────────────────────────────────────────────────
  clear(): void {
    this.reset([]);
  }

  /** Replaces everything with a full list of live tasks. */
  reset(tasks: readonly TaskInfo[]): void {
    this.tasks.clear();
    for (const task of tasks) this.tasks.set(task.id, task);
    this.rebuild();
  }

  /** Applies a snapshot: live tasks, history, cycles, blocked loop and warnings. */
  applySnapshot(snapshot: Snapshot): void {
    this.reset(snapshot.tasks);
    for (const task of snapshot.history ?? []) this.pushHistory(task);
    if (snapshot.warnings) for (const w of snapshot.warnings) this.addWarning(w);
    if (snapshot.cycles) this.setCycles(snapshot.cycles, snapshot.time);
    if (snapshot.blocked !== undefined) this.setBlocked(snapshot.blocked ?? null, snapshot.time);
  }

  apply(change: TasksChangedParams): void {
    if (change.reset) {
      this.tasks.clear();
      for (const task of change.tasks) this.tasks.set(task.id, task);
      for (const task of change.finished) this.pushHistory(task);
      this.rebuild();
      return;
    }
    const fresh: TaskInfo[] = [];
    for (const task of change.tasks) {
      const before = this.tasks.get(task.id);
      this.tasks.set(task.id, task);
      if (!before) fresh.push(task);
      else this.update(before, task);
    }
    // New tasks are placed after all of them are known, so a parent in the same delta is found.
    fresh.sort((a, b) => a.id - b.id);
    for (const task of fresh) {
      this.taskNodes.set(task.id, { kind: 'task', key: taskKey(task.id), id: task.id });
      if (this.mode === 'awaitedBy') this.indexAwaits(task, undefined);
      this.place(task.id);
      this.work++;
    }
    for (const task of change.finished) {
      this.remove(task.id);
      this.pushHistory(task);
    }
  }

  setArrangement(mode: Arrangement): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.rebuild();
  }

  setHideFinished(hide: boolean): void {
    if (hide === this.hideFinishedFlag) return;
    this.hideFinishedFlag = hide;
    this.pendRoot = true;
  }

  addWarning(w: TaskWarning): void {
    // An await cycle is one entry however it comes (the runtime's warning, a snapshot's cycles) and
    // whichever of its tasks it starts from; its tasks are its children.
    const cycle = w.kind === 'await_cycle' && w.tasks?.length ? [...w.tasks] : undefined;
    const key = cycle
      ? `w:await_cycle:${[...cycle].sort((a, b) => a - b).join(',')}`
      : `w:${w.kind}:${w.task ?? ''}:${w.kind === 'blocked_loop' ? w.time : ''}`;
    if (this.warningList.some((x) => x.key === key)) return;
    this.warningList = [{ key, kind: w.kind, message: w.message, task: w.task, time: w.time, ...(cycle ? { cycle } : {}) }, ...this.warningList].slice(0, WARNINGS_LIMIT);
    this.sectionsChanged('warnings');
  }

  /** The loop is blocked now (or no longer, with null). A recovered block stays as a warning. */
  setBlocked(blocked: LoopBlocked | null, time: number, durationMs?: number): void {
    const before = this.blockedNow;
    this.blockedNow = blocked;
    const ongoing = this.warningList.find((w) => w.ongoing);
    if (ongoing) {
      ongoing.ongoing = false;
      const ms = durationMs ?? (before ? Math.round((time - before.since) * 1000) : undefined);
      if (ms !== undefined) ongoing.durationMs = ms;
      this.warningNodes.delete(ongoing.key); // a new node object: its label changed
    }
    if (blocked) {
      this.warningList = this.warningList.filter((w) => w.key !== `blocked:${blocked.since}`);
      this.warningList.unshift({
        key: `blocked:${blocked.since}`, kind: 'blocked_loop', message: '', task: blocked.task, time: blocked.since,
        stack: blocked.stack, ongoing: true,
      });
      this.warningList.length = Math.min(this.warningList.length, WARNINGS_LIMIT);
    }
    if (blocked || ongoing) this.sectionsChanged('warnings');
  }

  /** A snapshot's await cycles (task ids in edge order), as warnings. */
  setCycles(cycles: number[][], time: number): void {
    for (const cycle of cycles) {
      if (cycle.length) this.addWarning({ kind: 'await_cycle', task: cycle[0], tasks: cycle, message: '', time });
    }
  }

  /** What changed since the last call, as nodes to refresh; clears the pending changes. */
  takeChanges(): Changes {
    const all = this.pendAll;
    const rows = this.pendRows.size;
    const nodes = new Set<TreeNode>();
    let root = this.pendRoot;
    if (!all) {
      for (const [container, pos] of this.pendContainers) {
        const length = this.kids.get(container)?.length ?? 0;
        const chunks = length > CHUNK_SIZE ? Math.ceil(length / CHUNK_SIZE) : 0;
        const before = this.reportedChunks.get(container) ?? 0;
        if (chunks && chunks === before) {
          for (let i = Math.floor(pos / CHUNK_SIZE); i < chunks; i++) nodes.add(this.chunkNode(container, i));
        } else {
          const node = this.containerNode(container);
          if (node) nodes.add(node);
          else root = true;
        }
        if (chunks) this.reportedChunks.set(container, chunks);
        else this.reportedChunks.delete(container);
      }
      for (const id of this.pendRows) {
        const node = this.taskNodes.get(id);
        if (node) nodes.add(node);
      }
      for (const gid of this.pendGroupRows) {
        const node = this.groupNodes.get(gid);
        if (node && this.groupContainer.has(gid)) nodes.add(node);
      }
      for (const section of this.pendSections) {
        const shown = section === 'warnings' ? this.warningList.length > 0 : this.history.length > 0 && !this.hideFinishedFlag;
        // A section that appears or disappears changes the top level.
        if (shown !== this.sectionShown[section]) root = true;
        else if (shown) nodes.add(this.sections[section]);
      }
    } else {
      this.reportedChunks.clear();
      for (const [container, list] of this.kids) if (list.length > CHUNK_SIZE) this.reportedChunks.set(container, Math.ceil(list.length / CHUNK_SIZE));
    }
    this.sectionShown.warnings = this.warningList.length > 0;
    this.sectionShown.finished = this.history.length > 0 && !this.hideFinishedFlag;
    this.pendAll = false;
    this.pendRoot = false;
    this.pendRows.clear();
    this.pendContainers.clear();
    this.pendGroupRows.clear();
    this.pendSections.clear();
    const work = this.work;
    this.work = 0;
    if (all || nodes.size > MAX_FIRED_NODES) return { all: true, nodes: [], root: true, rows, work };
    return { all: false, nodes: [...nodes], root, rows, work };
  }

  /** Whether anything is pending for takeChanges(). */
  /** True when the tree's shape changed (rows came, went or moved), not just the text of some rows. */
  get shapeChanged(): boolean {
    return this.pendAll || this.pendRoot || this.pendContainers.size > 0 || this.pendSections.size > 0;
  }

  get dirty(): boolean {
    return this.pendAll || this.pendRoot || this.pendRows.size > 0 || this.pendContainers.size > 0 || this.pendGroupRows.size > 0 || this.pendSections.size > 0;
  }

  private readonly sectionShown = { warnings: false, finished: false };

  // ── internals ────────────────────────────────────────────────────────────────────────
  private containerChildren(key: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (const gid of this.groupsIn.get(key) ?? []) out.push(this.groupNodes.get(gid)!);
    const list = this.kids.get(key);
    if (!list) return out;
    if (list.length > CHUNK_SIZE) {
      for (let i = 0; i * CHUNK_SIZE < list.length; i++) out.push(this.chunkNode(key, i));
    } else {
      for (const id of list) out.push(this.taskNodes.get(id)!);
    }
    return out;
  }

  /** Range of tasks a chunk covers, 1-based, for its label. */
  chunkRange(node: ChunkNode): [number, number] {
    const length = this.kids.get(node.container)?.length ?? 0;
    return [node.index * CHUNK_SIZE + 1, Math.min(length, (node.index + 1) * CHUNK_SIZE)];
  }

  private frameNodes(task: TaskInfo): FrameNode[] {
    const prefix = this.tasks.has(task.id) ? 't' : 'h';
    return task.chain.map((frame, index) => ({ kind: 'frame', key: `${prefix}:${task.id}/f${index}`, taskId: task.id, index, frame }));
  }

  private chunkNode(container: string, index: number): ChunkNode {
    const key = `c:${container}:${index}`;
    let node = this.chunkNodes.get(key);
    if (!node) this.chunkNodes.set(key, (node = { kind: 'chunk', key, container, index }));
    return node;
  }

  private finishedNodeFor(id: number): FinishedNode {
    let node = this.finishedNodes.get(id);
    if (!node) this.finishedNodes.set(id, (node = { kind: 'finished', key: `h:${id}`, id }));
    return node;
  }

  private warningNodeFor(w: ViewWarning): WarningNode {
    let node = this.warningNodes.get(w.key);
    if (!node) this.warningNodes.set(w.key, (node = { kind: 'warning', key: w.key, warning: w }));
    return node;
  }

  private containerNode(container: string): TreeNode | undefined {
    if (container === ROOT) return undefined;
    const id = Number(container.slice(2));
    return container.startsWith('t:') ? this.taskNodes.get(id) : this.groupNodes.get(id);
  }

  private sectionsChanged(section: 'finished' | 'warnings'): void {
    this.pendSections.add(section);
  }

  private markContainer(container: string, pos: number): void {
    this.work++;
    const before = this.pendContainers.get(container);
    this.pendContainers.set(container, before === undefined ? pos : Math.min(before, pos));
  }

  private rebuild(): void {
    // Rows VS Code may have seen without children (those of tasks placed before this rebuild).
    const childless = new Set([...this.containerOf.keys()].filter((id) => this.containerSize(taskKey(id)) === 0));
    this.containerOf.clear();
    this.kids.clear();
    this.groupsIn.clear();
    this.groupOwner.clear();
    this.groupContainer.clear();
    this.groupMembers.clear();
    this.awaiters.clear();
    for (const id of [...this.taskNodes.keys()]) if (!this.tasks.has(id)) this.taskNodes.delete(id);
    const ids = [...this.tasks.keys()].sort((a, b) => a - b);
    for (const id of ids) if (!this.taskNodes.has(id)) this.taskNodes.set(id, { kind: 'task', key: taskKey(id), id });
    if (this.mode === 'awaitedBy') for (const id of ids) this.indexAwaits(this.tasks.get(id)!, undefined);
    this.pendAll = true;
    for (const id of ids) this.place(id);
    // (the whole tree is listed anew: a row that has children now and had none gets a new id, see rowId)
    for (const id of ids) {
      if (childless.has(id) && !this.collapsedByUser.has(id) && this.containerSize(taskKey(id)) > 0) {
        this.rowEpochs.set(id, (this.rowEpochs.get(id) ?? 0) + 1);
      }
    }
    for (const id of [...this.rowEpochs.keys()]) if (!this.tasks.has(id)) this.rowEpochs.delete(id);
  }

  /** The container a task belongs in now. */
  private wantedContainer(task: TaskInfo): string {
    if (this.mode === 'structure') {
      if (task.group !== null && task.group !== undefined) return groupKey(task.group);
      return task.parent !== null && this.tasks.has(task.parent) ? taskKey(task.parent) : ROOT;
    }
    let best: number | undefined;
    const consider = (a: number) => {
      if (a === task.id || !this.tasks.has(a) || (best !== undefined && a >= best)) return;
      if (!this.wouldCycle(task.id, a)) best = a;
    };
    for (const a of this.awaiters.get(task.id) ?? []) consider(a);
    if (best === undefined) for (const a of task.awaited_by) consider(a);
    return best === undefined ? ROOT : taskKey(best);
  }

  /** True when `ancestor` is `id` or below it in the current arrangement. */
  private wouldCycle(id: number, ancestor: number): boolean {
    let cur: string | undefined = taskKey(ancestor);
    for (let steps = 0; cur && cur !== ROOT && steps < 100_000; steps++) {
      if (cur === taskKey(id)) return true;
      const n: number = Number(cur.slice(2));
      cur = cur.startsWith('t:') ? this.containerOf.get(n) : this.groupContainer.get(n);
    }
    return false;
  }

  private place(id: number): void {
    const task = this.tasks.get(id)!;
    const container = this.wantedContainer(task);
    if (container.startsWith('g:')) this.ensureGroup(task.group!, task.parent, 1);
    this.containerOf.set(id, container);
    const first = this.containerSize(container) === 0;
    let list = this.kids.get(container);
    if (!list) this.kids.set(container, (list = []));
    const pos = insertSorted(list, id);
    if (!this.pendAll) {
      this.markContainer(container, pos);
      if (first) this.gainedChildren(container);
    }
  }

  /** A task's row got its first child row: a new row id, listed anew by its own container (see rowId). */
  private gainedChildren(container: string): void {
    if (!container.startsWith('t:')) return;
    const id = Number(container.slice(2));
    const parent = this.containerOf.get(id);
    if (parent === undefined || this.collapsedByUser.has(id)) return;
    this.rowEpochs.set(id, (this.rowEpochs.get(id) ?? 0) + 1);
    const siblings = this.kids.get(parent);
    this.markContainer(parent, siblings ? binarySearch(siblings, id) : 0);
  }

  private unplace(id: number): string | undefined {
    const container = this.containerOf.get(id);
    if (!container) return undefined;
    this.containerOf.delete(id);
    const list = this.kids.get(container)!;
    const pos = removeSorted(list, id);
    if (!list.length) this.kids.delete(container);
    this.markContainer(container, Math.max(0, pos));
    if (container.startsWith('g:')) this.ensureGroup(Number(container.slice(2)), null, -1);
    return container;
  }

  /** Counts a TaskGroup's members; creates its node under its owner, drops it when empty. */
  private ensureGroup(gid: number, owner: number | null, delta: number): void {
    const count = (this.groupMembers.get(gid) ?? 0) + delta;
    if (delta > 0 && !this.groupContainer.has(gid)) {
      if (!this.groupOwner.has(gid)) this.groupOwner.set(gid, owner);
      const o = this.groupOwner.get(gid);
      const container = o !== null && o !== undefined && this.tasks.has(o) ? taskKey(o) : ROOT;
      if (!this.groupNodes.has(gid)) this.groupNodes.set(gid, { kind: 'group', key: groupKey(gid), gid });
      this.groupContainer.set(gid, container);
      const first = this.containerSize(container) === 0;
      let list = this.groupsIn.get(container);
      if (!list) this.groupsIn.set(container, (list = []));
      insertSorted(list, gid);
      if (!this.pendAll) {
        this.markContainer(container, 0);
        if (first) this.gainedChildren(container);
      }
    }
    if (count <= 0) {
      this.groupMembers.delete(gid);
      const container = this.groupContainer.get(gid);
      if (container) {
        this.groupContainer.delete(gid);
        const list = this.groupsIn.get(container)!;
        removeSorted(list, gid);
        if (!list.length) this.groupsIn.delete(container);
        this.markContainer(container, 0);
      }
      this.groupNodes.delete(gid);
      this.groupOwner.delete(gid);
    } else {
      this.groupMembers.set(gid, count);
      if (!this.pendAll) this.pendGroupRows.add(gid);
    }
  }

  private update(before: TaskInfo, task: TaskInfo): void {
    if (rowChanged(before, task)) {
      this.pendRows.add(task.id);
      this.work++;
    }
    if (this.mode === 'awaitedBy') {
      const was = before.waiting_on?.tasks ?? [];
      const now = task.waiting_on?.tasks ?? [];
      if (!sameIds(was, now)) {
        this.indexAwaits(task, before);
        for (const id of new Set([...was, ...now])) this.replace(id);
      }
      if (!sameIds(before.awaited_by, task.awaited_by)) this.replace(task.id);
    } else if (before.parent !== task.parent || before.group !== task.group) {
      this.replace(task.id);
    }
  }

  /** Moves a task to the container it belongs in now, if that changed. */
  private replace(id: number): void {
    const task = this.tasks.get(id);
    if (!task || !this.containerOf.has(id)) return;
    const want = this.wantedContainer(task);
    if (want === this.containerOf.get(id)) return;
    this.unplace(id);
    this.place(id);
  }

  private indexAwaits(task: TaskInfo, before: TaskInfo | undefined): void {
    for (const id of before?.waiting_on?.tasks ?? []) this.awaiters.get(id)?.delete(task.id);
    for (const id of task.waiting_on?.tasks ?? []) {
      let set = this.awaiters.get(id);
      if (!set) this.awaiters.set(id, (set = new Set()));
      set.add(task.id);
    }
  }

  private remove(id: number): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    this.unplace(id);
    this.taskNodes.delete(id);
    this.rowEpochs.delete(id);
    this.collapsedByUser.delete(id);
    this.pendRows.delete(id);
    if (this.mode === 'awaitedBy') {
      this.indexAwaits({ ...task, waiting_on: null }, task);
      this.awaiters.delete(id);
    }
    // Its children and TaskGroups move up to the top.
    const key = taskKey(id);
    for (const child of [...(this.kids.get(key) ?? [])]) {
      this.unplace(child);
      this.place(child);
    }
    for (const gid of [...(this.groupsIn.get(key) ?? [])]) {
      const list = this.groupsIn.get(key)!;
      removeSorted(list, gid);
      if (!list.length) this.groupsIn.delete(key);
      this.groupContainer.set(gid, ROOT);
      let rootList = this.groupsIn.get(ROOT);
      if (!rootList) this.groupsIn.set(ROOT, (rootList = []));
      insertSorted(rootList, gid);
      this.markContainer(ROOT, 0);
    }
  }

  private pushHistory(task: TaskInfo): void {
    if (this.historyLimit <= 0) return;
    if (this.historyById.has(task.id)) {
      const i = this.history.findIndex((t) => t.id === task.id);
      if (i >= 0) this.history.splice(i, 1);
    }
    this.history.push(task);
    this.historyById.set(task.id, task);
    while (this.history.length > this.historyLimit) {
      const gone = this.history.shift()!;
      this.historyById.delete(gone.id);
      this.finishedNodes.delete(gone.id);
    }
    this.sectionsChanged('finished');
  }
}

/** Whether a task's row (label, description, icon, chain) looks different. */
export function rowChanged(a: TaskInfo, b: TaskInfo): boolean {
  if (a.name !== b.name || a.state !== b.state || a.exception !== b.exception || !!a.shielded !== !!b.shielded) return true;
  const wa = a.waiting_on;
  const wb = b.waiting_on;
  if (!wa !== !wb || (wa && wb && (wa.kind !== wb.kind || wa.detail !== wb.detail || !sameIds(wa.tasks, wb.tasks)
    || wa.deadline !== wb.deadline || wa.timeout !== wb.timeout || wa.holder !== wb.holder
    || wa.thread !== wb.thread || wa.work !== wb.work || wa.work_state !== wb.work_state))) return true;
  const ca = a.cancel;
  const cb = b.cancel;
  if (!ca !== !cb || (ca && cb && (ca.count !== cb.count || ca.message !== cb.message))) return true;
  if (a.chain.length !== b.chain.length) return true;
  for (let i = 0; i < a.chain.length; i++) {
    const x = a.chain[i];
    const y = b.chain[i];
    if (x.line !== y.line || x.file !== y.file || x.name !== y.name) return true;
  }
  return false;
}

function sameIds(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function binarySearch(list: readonly number[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], id: number): number {
  const i = binarySearch(list, id);
  if (list[i] !== id) {
    if (i === list.length) list.push(id);
    else list.splice(i, 0, id);
  }
  return i;
}

function removeSorted(list: number[], id: number): number {
  const i = binarySearch(list, id);
  if (list[i] === id) {
    list.splice(i, 1);
    return i;
  }
  return -1;
}

// Kept for existing callers (text tree, demo, DAP tests).
export { basename, describeTask, taskTooltip, whereSuspended } from './words';
