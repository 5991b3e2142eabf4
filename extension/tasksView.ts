import * as vscode from 'vscode';
import type { LoopBlocked, LoopUnblockedParams, Snapshot, TaskInfo, TasksChangedParams, TaskWarning } from '../debug-adapter/agentProtocol';
import { CustomEvents, CustomRequests } from '../debug-adapter/customProtocol';
import { ContextKeys, DEBUG_TYPE } from './ids';

import { Arrangement, TaskTreeModel, TreeNode, ViewWarning } from './model/taskTree';
import { RefreshPacer } from './model/refreshPacer';
import {
  ageText, basename, blockedWords, describeFinished, describeTask, isAsyncioFrame, rowState, STATE_ICONS, taskTooltip,
  tasksCount, waitWords,
} from './model/words';

const l10n = vscode.l10n;

interface SessionEntry {
  session: vscode.DebugSession;
  model: TaskTreeModel;
  paused: boolean;
  /** Epoch seconds when the program stopped (ages freeze there while paused). */
  pausedAt: number;
}

/** Milliseconds between two age refreshes of the rows VS Code has shown. */
const AGE_TICK_MS = 1000;
const MAX_AGE_ROWS_PER_TICK = 100;

function icon(task: TaskInfo): vscode.ThemeIcon {
  const { icon: id, color } = STATE_ICONS[rowState(task)];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export function openLocationCommand(file: string, line: number, title: string): vscode.Command {
  return {
    command: 'vscode.open',
    title,
    arguments: [vscode.Uri.file(file), { selection: new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), 0), preview: true }],
  };
}

/**
 * The Async Tasks view: one model per `asyncio-lens` debug session, fed by the adapter's
 * `asyncioLens/tasksChanged` events; the view shows the active session's. Updates are
 * throttled and incremental: after a delta it refreshes only the nodes the model reports.
 */
export class TasksViewProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly pausedChanged = new vscode.EventEmitter<void>();
  private readonly treeChanged = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<TreeNode> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushDue = 0;
  private readonly pacer = new RefreshPacer();
  /** Rows whose age text is stale, sent with the next fire. */
  private readonly agedRows = new Set<TreeNode>();
  private shownSession: string | undefined;
  private arrangementValue: Arrangement;
  private hideFinishedValue: boolean;
  /** Task rows VS Code has asked for, with the description they show (its age and time left tick). */
  private readonly shownTexts = new Map<number, string>();
  private readonly ageTimer: ReturnType<typeof setInterval>;
  /** Figures: time from a delta's arrival to the view's refresh, last and worst (ms). */
  readonly stats = { deltas: 0, flushes: 0, lastApplyMs: 0, lastDeltaToFireMs: 0, firstPending: 0 };

  readonly onDidChangeTreeData = this.treeChanged.event;
  /** Fires after the shown tasks changed (tests, status bar). */
  readonly onDidChange = this.changed.event;
  /** Fires when the shown session pauses or resumes. */
  readonly onDidChangePaused = this.pausedChanged.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly intervalMs: () => number,
    private readonly memento?: vscode.Memento,
  ) {
    this.arrangementValue = memento?.get<Arrangement>('asyncioLens.arrangement') ?? 'structure';
    this.hideFinishedValue = memento?.get<boolean>('asyncioLens.hideFinished') ?? false;
    void vscode.commands.executeCommand('setContext', ContextKeys.arrangement, this.arrangementValue);
    void vscode.commands.executeCommand('setContext', ContextKeys.hideFinished, this.hideFinishedValue);
    this.ageTimer = setInterval(() => this.refreshAges(), AGE_TICK_MS);
    this.disposables.push(
      this.changed,
      this.pausedChanged,
      this.treeChanged,
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => this.onCustomEvent(e)),
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === DEBUG_TYPE) this.entryFor(s);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.sessions.delete(s.id)) this.showActive();
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.showActive()),
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type?: string; event?: string }) => {
            if (m.type === 'event' && m.event === 'stopped') this.setPaused(session, true);
            else if (m.type === 'event' && m.event === 'continued') this.setPaused(session, false);
          },
          onWillReceiveMessage: (m: { type?: string; command?: string }) => {
            if (m.type === 'request' && ['continue', 'next', 'stepIn', 'stepOut', 'reverseContinue', 'stepBack'].includes(m.command ?? '')) {
              this.setPaused(session, false);
            }
          },
        }),
      }),
    );
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
    // A row the user collapsed stays collapsed when it gains children (see TaskTreeModel.rowId).
    const noteCollapsed = (node: TreeNode, collapsed: boolean) => {
      if (node.kind === 'task') this.activeEntry()?.model.noteCollapsed(node.id, collapsed);
    };
    this.disposables.push(
      view.onDidCollapseElement((e) => noteCollapsed(e.element, true)),
      view.onDidExpandElement((e) => noteCollapsed(e.element, false)),
    );
    this.showActive();
  }

  get arrangement(): Arrangement {
    return this.arrangementValue;
  }

  get hideFinished(): boolean {
    return this.hideFinishedValue;
  }

  setArrangement(mode: Arrangement): void {
    this.arrangementValue = mode;
    void this.memento?.update('asyncioLens.arrangement', mode);
    void vscode.commands.executeCommand('setContext', ContextKeys.arrangement, mode);
    for (const entry of this.sessions.values()) entry.model.setArrangement(mode);
    this.flushNow();
  }

  setHideFinished(hide: boolean): void {
    this.hideFinishedValue = hide;
    void this.memento?.update('asyncioLens.hideFinished', hide);
    void vscode.commands.executeCommand('setContext', ContextKeys.hideFinished, hide);
    for (const entry of this.sessions.values()) entry.model.setHideFinished(hide);
    this.flushNow();
  }

  /** Asks the active session for a full snapshot (tasks, history, cycles, blocked loop, warnings). */
  async refresh(): Promise<void> {
    const entry = this.activeEntry();
    if (!entry) return;
    const snapshot = (await entry.session.customRequest(CustomRequests.tasks)) as Snapshot;
    entry.model.applySnapshot(snapshot);
    this.flushNow();
  }

  /** The shown session, its model and whether it is paused. */
  activeEntry(): SessionEntry | undefined {
    const session = vscode.debug.activeDebugSession;
    if (session?.type === DEBUG_TYPE && this.sessions.has(session.id)) return this.sessions.get(session.id);
    // A child session or another debugger may be active; fall back to any of ours.
    return [...this.sessions.values()].pop();
  }

  /** Number of live tasks of the shown session, or undefined when no session is shown. */
  liveCount(): number | undefined {
    return this.activeEntry()?.model.size;
  }

  /** Task names as the view shows them, depth first (structure). */
  labels(): string[] {
    return this.activeEntry()?.model.labels() ?? [];
  }

  /** Epoch seconds the view measures ages against: now, or the moment the program stopped. */
  now(entry = this.activeEntry()): number {
    return entry?.paused ? entry.pausedAt : Date.now() / 1000;
  }

  /** The task a node stands for (a live or finished task, a frame's task, a task named by a warning). */
  taskOf(node: TreeNode | undefined): TaskInfo | undefined {
    const model = this.activeEntry()?.model;
    if (!node || !model) return undefined;
    switch (node.kind) {
      case 'task':
      case 'finished':
        return model.lookup(node.id);
      case 'frame':
      case 'ref':
        return model.lookup(node.taskId);
      case 'warning':
        return node.warning.task === null ? undefined : model.lookup(node.warning.task);
      default:
        return undefined;
    }
  }

  async reveal(taskId: number): Promise<void> {
    const node = this.activeEntry()?.model.taskNode(taskId);
    if (node && this.view) await this.view.reveal(node, { select: true, focus: true, expand: false });
  }

  // ── TreeDataProvider ─────────────────────────────────────────────────────────────────
  getTreeItem(node: TreeNode): vscode.TreeItem {
    const entry = this.activeEntry();
    const model = entry?.model;
    if (!model) return new vscode.TreeItem('');
    const now = this.now(entry);
    const collapsible = (expanded: boolean) =>
      model.hasChildren(node)
        ? expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None;
    switch (node.kind) {
      case 'task': {
        const task = model.get(node.id)!;
        const kids = model.containerSize(node.key);
        const item = new vscode.TreeItem(task.name, collapsible(kids > 0 && kids <= 100));
        item.id = model.rowId(node.id);
        item.description = describeTask(task, model.nameOf, now);
        this.shownTexts.delete(task.id); // re-inserted last: the refresh goes round all shown rows
        this.shownTexts.set(task.id, item.description);
        item.iconPath = icon(task);
        item.contextValue = `task.live.${rowState(task)}`;
        item.accessibilityInformation = { label: `${task.name}, ${item.description}` };
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem('TaskGroup', collapsible(true));
        item.id = node.key;
        item.description = tasksCount(model.groupSize(node.gid));
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'group';
        return item;
      }
      case 'chunk': {
        const [from, to] = model.chunkRange(node);
        const item = new vscode.TreeItem(l10n.t('tasks {0}–{1}', from, to), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.key;
        item.contextValue = 'chunk';
        return item;
      }
      case 'frame': {
        const { frame } = node;
        const item = new vscode.TreeItem(frame.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.key;
        item.description = `${basename(frame.file)}:${frame.line}`;
        item.tooltip = `${frame.file}:${frame.line}`;
        item.iconPath = new vscode.ThemeIcon(isAsyncioFrame(frame) ? 'debug-stackframe-dot' : 'debug-stackframe');
        item.command = openLocationCommand(frame.file, frame.line, l10n.t('Open'));
        item.contextValue = 'frame';
        return item;
      }
      case 'section': {
        if (node.key === 'finished') {
          const item = new vscode.TreeItem(l10n.t('Finished'), vscode.TreeItemCollapsibleState.Collapsed);
          item.id = 'section:finished';
          item.description = String(model.finished.length);
          item.iconPath = new vscode.ThemeIcon('history');
          item.contextValue = 'section.finished';
          return item;
        }
        const item = new vscode.TreeItem(l10n.t('Warnings'), vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'section:warnings';
        item.description = String(model.warnings.length);
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'section.warnings';
        return item;
      }
      case 'finished': {
        const task = model.lookup(node.id)!;
        const item = new vscode.TreeItem(task.name, collapsible(false));
        item.id = node.key;
        item.description = describeFinished(task);
        item.iconPath = icon(task);
        item.contextValue = `task.finished.${rowState(task)}`;
        return item;
      }
      case 'warning': {
        const item = new vscode.TreeItem(this.warningLabel(node.warning, model, now), collapsible(node.warning.kind === 'blocked_loop' && !!node.warning.ongoing));
        item.id = node.key;
        item.iconPath = new vscode.ThemeIcon(node.warning.ongoing ? 'flame' : 'warning', new vscode.ThemeColor(node.warning.ongoing ? 'errorForeground' : 'list.warningForeground'));
        item.tooltip = node.warning.message || undefined;
        item.contextValue = `warning.${node.warning.kind}`;
        return item;
      }
      case 'ref': {
        const task = model.lookup(node.taskId);
        const item = new vscode.TreeItem(task?.name ?? `#${node.taskId}`, vscode.TreeItemCollapsibleState.None);
        item.id = node.key;
        if (task) {
          item.description = waitWords(task, model.nameOf, now);
          item.iconPath = icon(task);
        }
        item.contextValue = model.get(node.taskId) ? 'task.ref' : 'task.ref.gone';
        return item;
      }
    }
  }

  /** Tooltips are built when the user hovers, from the newest data: no row refresh for steps or busy time. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    const task = node.kind === 'task' || node.kind === 'finished' || node.kind === 'ref' ? this.taskOf(node) : undefined;
    const model = this.activeEntry()?.model;
    if (task && model) {
      const md = new vscode.MarkdownString(taskTooltip(task, model.nameOf, this.now()));
      md.supportThemeIcons = true;
      item.tooltip = md;
    }
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.activeEntry()?.model.childNodes(node) ?? [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.activeEntry()?.model.parentNode(node);
  }

  dispose(): void {
    clearInterval(this.ageTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const d of this.disposables) d.dispose();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────
  private warningLabel(w: ViewWarning, model: TaskTreeModel, now: number): string {
    switch (w.kind) {
      case 'blocked_loop':
        if (w.ongoing && model.blocked) return blockedWords(model.blocked, now, model.nameOf);
        return w.durationMs !== undefined
          ? l10n.t('Event loop was blocked for {0}', ageText(w.durationMs / 1000))
          : l10n.t('Event loop was blocked');
      case 'await_cycle': {
        // Named from the tasks, in the order they await each other, back to the first.
        const names = (w.cycle ?? []).map((id) => model.nameOf(id) ?? `#${id}`);
        return names.length ? l10n.t('Await cycle (deadlock): {0}', [...names, names[0]].join(' → ')) : l10n.t('Await cycle (deadlock)');
      }
      case 'exception_never_retrieved':
        return l10n.t('Exception never retrieved: {0}', w.message);
      case 'destroyed_pending':
        return l10n.t('Task destroyed while pending: {0}', w.message);
      default:
        return w.message;
    }
  }

  private onCustomEvent(e: vscode.DebugSessionCustomEvent): void {
    if (e.session.type !== DEBUG_TYPE) return;
    const entry = this.entryFor(e.session);
    const now = Date.now() / 1000;
    switch (e.event) {
      case CustomEvents.tasksChanged: {
        const t0 = performance.now();
        entry.model.apply(e.body as TasksChangedParams);
        this.stats.lastApplyMs = performance.now() - t0;
        this.stats.deltas++;
        break;
      }
      case CustomEvents.loopBlocked:
        entry.model.setBlocked(e.body as LoopBlocked, now);
        break;
      case CustomEvents.loopUnblocked: {
        const body = (e.body ?? {}) as LoopUnblockedParams;
        entry.model.setBlocked(null, now, body.duration_ms);
        break;
      }
      case CustomEvents.taskWarning:
        entry.model.addWarning(e.body as TaskWarning);
        break;
      default:
        return;
    }
    if (!this.stats.firstPending) this.stats.firstPending = performance.now();
    this.scheduleFlush();
  }

  private entryFor(session: vscode.DebugSession): SessionEntry {
    let entry = this.sessions.get(session.id);
    if (!entry) {
      const model = new TaskTreeModel();
      model.setArrangement(this.arrangementValue);
      model.setHideFinished(this.hideFinishedValue);
      entry = { session, model, paused: false, pausedAt: 0 };
      this.sessions.set(session.id, entry);
      this.log.info(`Tracking the tasks of debug session "${session.name}"`);
      this.showActive();
    }
    return entry;
  }

  private setPaused(session: vscode.DebugSession, paused: boolean): void {
    const entry = this.sessions.get(session.id);
    if (!entry || entry.paused === paused) return;
    entry.paused = paused;
    entry.pausedAt = Date.now() / 1000;
    if (paused) {
      // A fresh snapshot while paused: cycles, warnings and the blocked loop come with it.
      void Promise.resolve(session.customRequest(CustomRequests.tasks)).then(
        (snapshot: Snapshot) => {
          if (entry.paused && snapshot && Array.isArray(snapshot.tasks)) {
            entry.model.applySnapshot(snapshot);
            this.flushNow();
          }
        },
        (err: unknown) => this.log.warn(`No task snapshot while paused: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    this.pausedChanged.fire();
  }

  isPaused(): boolean {
    return !!this.activeEntry()?.paused;
  }

  /** Fires what is pending when the pacer allows; a shape change can bring a text-only fire forward. */
  private scheduleFlush(): void {
    const model = this.activeEntry()?.model;
    const now = Date.now();
    const due = now + this.pacer.delay(now, model?.shapeChanged ?? true, this.intervalMs());
    if (this.flushTimer && due >= this.flushDue) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushDue = due;
    this.flushTimer = setTimeout(() => this.flushNow(), due - now);
  }

  /** Sends what changed to VS Code: the nodes the model reports, or one full refresh. */
  private flushNow(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const entry = this.activeEntry();
    if (entry?.session.id !== this.shownSession) {
      this.showActive();
      return;
    }
    const ageRows = [...this.agedRows];
    this.agedRows.clear();
    if (!entry || (!entry.model.dirty && !ageRows.length)) return;
    const changes = entry.model.takeChanges();
    this.stats.flushes++;
    if (changes.all || changes.root) {
      this.shownTexts.clear();
      this.fireTree(undefined);
    } else if (changes.nodes.length || ageRows.length) {
      this.fireTree([...new Set([...changes.nodes, ...ageRows])]);
    }
    if (this.stats.firstPending) this.stats.lastDeltaToFireMs = performance.now() - this.stats.firstPending;
    this.stats.firstPending = 0;
    this.updateCount();
    this.changed.fire();
  }

  /** Shows the active session's model from scratch (a session came, went or became active). */
  private showActive(): void {
    const entry = this.activeEntry();
    this.shownSession = entry?.session.id;
    entry?.model.takeChanges();
    this.shownTexts.clear();
    if (this.view) {
      this.view.message = entry ? undefined : l10n.t('Start an Asyncio Lens debug session to see its asyncio tasks here.');
    }
    this.updateCount();
    this.fireTree(undefined);
    this.changed.fire();
  }

  private fireTree(nodes: TreeNode[] | undefined): void {
    this.pacer.fired(Date.now());
    this.treeChanged.fire(nodes);
  }

  /**
   * The live task count in the view's title, in the status bar's words. Not a badge: VS Code adds a
   * view's badge to the others of its container (Run and Debug counts the debug sessions), and the
   * sum is a number nobody can read.
   */
  private updateCount(): void {
    if (!this.view) return;
    const entry = this.activeEntry();
    this.view.description = entry ? tasksCount(entry.model.size) : undefined;
  }

  /** Queues the rows VS Code has shown whose text changed with time (age, time left); none while paused. */
  private refreshAges(): void {
    const entry = this.activeEntry();
    if (!entry || entry.paused || !this.shownTexts.size || !this.view?.visible) return;
    const now = this.now(entry);
    const nodes: TreeNode[] = [];
    for (const [id, shown] of this.shownTexts) {
      const task = entry.model.get(id);
      const node = entry.model.taskNode(id);
      if (!task || !node) {
        this.shownTexts.delete(id);
        continue;
      }
      if (describeTask(task, entry.model.nameOf, now) !== shown) {
        nodes.push(node);
        if (nodes.length >= MAX_AGE_ROWS_PER_TICK) break;
      }
    }
    if (!nodes.length) return;
    for (const node of nodes) this.agedRows.add(node);
    this.scheduleFlush();
  }
}
