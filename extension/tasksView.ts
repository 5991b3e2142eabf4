import * as vscode from 'vscode';
import type { Snapshot, TaskInfo, TasksChangedParams } from '../debug-adapter/agentProtocol';
import { CustomEvents, CustomRequests } from '../debug-adapter/customProtocol';
import { DEBUG_TYPE } from './ids';
import { describeTask, taskTooltip, TaskTreeModel, whereSuspended } from './model/taskTree';

const ICONS: Record<TaskInfo['state'], vscode.ThemeIcon> = {
  pending: new vscode.ThemeIcon('watch'),
  running: new vscode.ThemeIcon('play-circle', new vscode.ThemeColor('debugIcon.startForeground')),
  done: new vscode.ThemeIcon('pass'),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
};

/**
 * The Async Tasks view: one model per `asyncio-lens` debug session, fed by the adapter's
 * `asyncioLens/tasksChanged` events; the view shows the active session's.
 */
export class TasksViewProvider implements vscode.TreeDataProvider<TaskInfo>, vscode.Disposable {
  private readonly models = new Map<string, { session: vscode.DebugSession; model: TaskTreeModel }>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly treeChanged = new vscode.EventEmitter<TaskInfo | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<TaskInfo> | undefined;

  readonly onDidChangeTreeData = this.treeChanged.event;
  /** Fires after the shown tasks changed (used by the tests). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.changed,
      this.treeChanged,
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type === DEBUG_TYPE && e.event === CustomEvents.tasksChanged) {
          this.modelFor(e.session).apply(e.body as TasksChangedParams);
          if (e.session.id === this.activeSession()?.id) this.refreshView();
        }
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === DEBUG_TYPE) this.modelFor(s);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.models.delete(s.id)) this.refreshView();
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.refreshView()),
    );
  }

  attach(view: vscode.TreeView<TaskInfo>): void {
    this.view = view;
    this.refreshView();
  }

  /** Asks the active session for a full snapshot, replacing what the view shows. */
  async refresh(): Promise<void> {
    const session = this.activeSession();
    if (!session) return;
    const snapshot = (await session.customRequest(CustomRequests.tasks)) as Snapshot;
    this.modelFor(session).reset(snapshot.tasks);
    this.refreshView();
  }

  /** Number of live tasks of the shown session, or undefined when no session is shown. */
  liveCount(): number | undefined {
    return this.activeModel()?.size;
  }

  /** Task names as the view shows them, depth first. */
  labels(): string[] {
    return this.activeModel()?.labels() ?? [];
  }

  getTreeItem(task: TaskInfo): vscode.TreeItem {
    const model = this.activeModel();
    const item = new vscode.TreeItem(
      task.name,
      model?.hasChildren(task.id) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = String(task.id);
    item.description = describeTask(task);
    item.tooltip = new vscode.MarkdownString(taskTooltip(task));
    item.iconPath = ICONS[task.state];
    item.contextValue = `task.${task.state}`;
    const where = whereSuspended(task);
    if (where) {
      item.command = {
        command: 'vscode.open',
        title: 'Go to where it waits',
        arguments: [vscode.Uri.file(where.file), { selection: new vscode.Range(where.line - 1, 0, where.line - 1, 0) }],
      };
    }
    return item;
  }

  getChildren(task?: TaskInfo): TaskInfo[] {
    return this.activeModel()?.children(task?.id) ?? [];
  }

  getParent(task: TaskInfo): TaskInfo | undefined {
    return task.parent === null ? undefined : this.activeModel()?.get(task.parent);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private activeSession(): vscode.DebugSession | undefined {
    const session = vscode.debug.activeDebugSession;
    if (session?.type === DEBUG_TYPE) return session;
    // A child session or another debugger may be active; fall back to any of ours.
    return [...this.models.values()].pop()?.session;
  }

  private activeModel(): TaskTreeModel | undefined {
    const session = this.activeSession();
    return session ? this.models.get(session.id)?.model : undefined;
  }

  private modelFor(session: vscode.DebugSession): TaskTreeModel {
    let entry = this.models.get(session.id);
    if (!entry) {
      entry = { session, model: new TaskTreeModel() };
      this.models.set(session.id, entry);
      this.log.info(`Tracking the tasks of debug session "${session.name}"`);
    }
    return entry.model;
  }

  private refreshView(): void {
    const model = this.activeModel();
    if (this.view) {
      this.view.message = model ? undefined : 'Start an Asyncio Lens debug session to see its asyncio tasks here.';
      this.view.badge = model && model.size > 0 ? { value: model.size, tooltip: `${model.size} live asyncio tasks` } : undefined;
    }
    this.treeChanged.fire(undefined);
    this.changed.fire();
  }
}
