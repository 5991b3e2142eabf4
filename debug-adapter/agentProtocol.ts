/**
 * The protocol between the debug adapter and the Python runtime (`runtime/asyncio_lens`).
 *
 * This file is the single definition on the TypeScript side. Its Python mirror is
 * `runtime/asyncio_lens/_protocol.py`; `agentProtocol.test.ts` checks that both agree.
 *
 * Transport: JSON-RPC 2.0 with `Content-Length` framing over loopback TCP. The adapter
 * listens on 127.0.0.1:0 and starts the runtime with `--connect 127.0.0.1:PORT` and the
 * one-time token in the environment variable named by `TOKEN_ENV`. The runtime connects
 * and sends the `hello` notification first; a peer whose token differs is dropped.
 * Then the adapter sends `initialize`, optionally `tasks/subscribe`, and `program/start`,
 * after which the runtime runs the user's program.
 *
 * Attach (`python -m asyncio_lens run --listen 127.0.0.1:PORT [--token-file F] prog.py`): the
 * runtime listens on loopback, prints the token to stderr and writes it to the token file, and
 * waits (unless `--no-wait`). The ADAPTER connects and must send `hello` with `{ token }` as its
 * first message; the runtime drops any peer whose first message is not that, and keeps listening.
 * Then the runtime sends its own `hello` and the session goes on as above (`initialize`,
 * `tasks/subscribe`, `program/start`; with `--no-wait` the program is already running and
 * `program/start` is answered at once).
 */

export const PROTOCOL_VERSION = 1;

/** Environment variable that carries the one-time token to the runtime. */
export const TOKEN_ENV = 'ASYNCIO_LENS_TOKEN';

/** Requests sent by the adapter, answered by the runtime. */
export const Requests = {
  initialize: 'initialize',
  programStart: 'program/start',
  tasksSnapshot: 'tasks/snapshot',
  tasksSubscribe: 'tasks/subscribe',
  tasksCancel: 'tasks/cancel',
  // The debugger engine (issue 4). Sent before `program/start` to configure, any time after.
  debugConfigure: 'debug/configure',
  debugSetBreakpoints: 'debug/setBreakpoints',
  debugSetExceptionBreakpoints: 'debug/setExceptionBreakpoints',
  debugThreads: 'debug/threads',
  debugContinue: 'debug/continue',
  debugPause: 'debug/pause',
  debugStep: 'debug/step',
  debugStepInTargets: 'debug/stepInTargets',
  debugStackTrace: 'debug/stackTrace',
  debugTaskStack: 'debug/taskStack',
  debugScopes: 'debug/scopes',
  debugVariables: 'debug/variables',
  debugEvaluate: 'debug/evaluate',
  debugSetVariable: 'debug/setVariable',
  debugExceptionInfo: 'debug/exceptionInfo',
} as const;

/** Notifications sent by the runtime. */
export const Notifications = {
  hello: 'hello',
  tasksChanged: 'tasks/changed',
  /** The event loop has not turned for longer than the threshold (`LoopBlocked`). */
  loopBlocked: 'loop/blocked',
  /** The blocked loop turned again (`LoopUnblockedParams`). */
  loopUnblocked: 'loop/unblocked',
  /** asyncio complained about a task, a loop was blocked, or an await cycle appeared (`TaskWarning`). */
  taskWarning: 'task/warning',
  debugStopped: 'debug/stopped',
  debugContinued: 'debug/continued',
  debugThread: 'debug/thread',
  debugOutput: 'debug/output',
} as const;

export const TASK_STATES = ['pending', 'running', 'done', 'cancelled', 'failed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface SourceLocation {
  file: string;
  line: number;
}

export interface ChainFrame extends SourceLocation {
  /** Qualified name of the coroutine, async generator or generator of this frame. */
  name: string;
}

export interface WaitingOn {
  /** What the task waits on: 'sleep', 'task', 'future', 'gather', 'taskgroup', 'runnable', … */
  kind: string;
  /** Human-readable detail, e.g. "0/10" for a Queue; never depends on the clock (see `deadline`). */
  detail: string;
  /** Ids of the tasks waited on, when the wait is on tasks. */
  tasks: number[];
  /**
   * Epoch seconds when the wait ends at the latest: a sleep's end, or its timeout's. Whoever shows
   * the wait computes the time left when it renders it (a countdown, whatever the update rate).
   */
  deadline?: number;
  /** Epoch seconds when an asyncio.timeout, wait_for or wait(timeout=…) around the wait gives up. */
  timeout?: number;
  /** 'lock': id of the task holding the lock (recorded by the runtime). */
  holder?: number;
  /** 'thread': the worker thread's name and its stack, outermost first. */
  thread?: string;
  stack?: ChainFrame[];
  /** 'thread': the function the worker runs (for to_thread, the one given to it). */
  work?: string;
  /** 'thread': not started yet, running, or done (returned; the loop has not taken the result yet). */
  work_state?: 'queued' | 'running' | 'done';
}

export interface TaskInfo {
  /** Stable integer id, unique within one runtime process. */
  id: number;
  name: string;
  state: TaskState;
  /** Id of the task that created this one, or null. */
  parent: number | null;
  /** Id of the owning TaskGroup, or null. */
  group: number | null;
  /** Qualified name of the task's coroutine. */
  coro: string;
  /** First frame outside asyncio and the runtime when the task was created. */
  created_at: SourceLocation | null;
  /** Await chain of a suspended task, outermost first, innermost last. Empty when not suspended. */
  chain: ChainFrame[];
  waiting_on: WaitingOn | null;
  /** Ids of tasks awaiting this one. */
  awaited_by: number[];
  /** `type: message` of a failed task, repr-safe and truncated; null otherwise. */
  exception: string | null;
  /** Cancellation requested for this task, or null. */
  cancel: CancelInfo | null;
  /** Times the task's coroutine was stepped, and the time spent running it (0 on uvloop). */
  steps: number;
  busy_ms: number;
  /** Epoch seconds: created (null for a task made before the agent), first run, finished (null while not yet). */
  created: number | null;
  first_run: number | null;
  finished: number | null;
  /** True when the task runs behind `asyncio.shield()` that some task awaits. */
  shielded: boolean;
}

export interface CancelInfo {
  /** Epoch seconds of the first request; null when it came before Asyncio Lens attached (via 'unseen'). */
  requested: number | null;
  /** `task.cancelling()` count (minus a 3.11/3.12 TaskGroup request already consumed); on 3.10 requests seen. */
  count: number;
  /** Id of the task that asked, or null (a loop callback, another thread). */
  by_task: number | null;
  /** How: 'user', 'taskgroup', 'timeout', 'gather', 'wait_for', 'parent', 'shutdown', 'interrupt', 'debugger',
   * or 'unseen' (asyncio's `cancelling()` says so, but the request came before Asyncio Lens attached). */
  via: string;
  /** The user's line that led to the request. */
  site: SourceLocation | null;
  message: string | null;
}

/** The event loop has not turned for longer than the threshold. */
export interface LoopBlocked {
  /** Epoch seconds when the loop last turned. */
  since: number;
  /** The task running when the loop blocked, if any. */
  task: number | null;
  /** Name of the running task, or null. */
  task_name: string | null;
  /** Name of the loop's thread. */
  thread: string | null;
  threshold_ms: number;
  /** The loop thread's stack, outermost first. */
  stack: ChainFrame[];
}

/** The blocked loop turned again. */
export interface LoopUnblockedParams {
  /** `since` of the matching `loop/blocked`. */
  since: number;
  /** How long the loop did not turn. */
  duration_ms: number;
  task: number | null;
  task_name: string | null;
}

export interface TaskWarning {
  kind: 'exception_never_retrieved' | 'destroyed_pending' | 'blocked_loop' | 'await_cycle';
  task: number | null;
  /** The task's name when asyncio reported it (the task may be gone). */
  task_name?: string | null;
  /** 'await_cycle': the tasks of the cycle in edge order, from the smallest id. */
  tasks?: number[];
  message: string;
  time: number;
}

export const TASK_KEYS = [
  'id', 'name', 'state', 'parent', 'group', 'coro', 'created_at', 'chain', 'waiting_on', 'awaited_by', 'cancel',
  'exception', 'steps', 'busy_ms', 'created', 'first_run', 'finished', 'shielded',
] as const satisfies readonly (keyof TaskInfo)[];

export interface Snapshot {
  version: number;
  python: string;
  pid: number;
  /** Seconds since the epoch, when the snapshot was taken. */
  time: number;
  tasks: TaskInfo[];
  /** Recently finished tasks, oldest first, bounded. */
  history: TaskInfo[];
  /** Await cycles (deadlocks), each a list of task ids in edge order (through awaits and lock holders). */
  cycles: number[][];
  /** The loop blocked right now, with its stack sampled at the snapshot, or null. */
  blocked: LoopBlocked | null;
  /** Recent warnings, oldest first, bounded. */
  warnings: TaskWarning[];
}

export const SNAPSHOT_KEYS = ['version', 'python', 'pid', 'time', 'tasks', 'cycles', 'blocked', 'warnings', 'history'] as const satisfies readonly (keyof Snapshot)[];

export interface HelloParams {
  token: string;
  version: number;
  pid: number;
  python: string;
}

export interface InitializeParams {
  clientName: string;
}

export interface InitializeResult {
  version: number;
  pid: number;
  python: string;
}

export interface SubscribeParams {
  /** Minimum time between two `tasks/changed` notifications. */
  intervalMs: number;
  /** Send `tasks/changed` in the compact form (`CompactTasksChangedParams`). */
  compact?: boolean;
}

export interface SnapshotParams {
  /** Answer in the compact form (`CompactSnapshot`). */
  compact?: boolean;
}

/**
 * An incremental change to the live task set. The first notification after
 * `tasks/subscribe` has `reset: true` and lists every live task.
 */
export interface TasksChangedParams {
  seq: number;
  time: number;
  reset: boolean;
  /** Live tasks that appeared or changed since the previous notification. */
  tasks: TaskInfo[];
  /** Tasks that finished since the previous notification (no longer live). */
  finished: TaskInfo[];
}

export const TASKS_CHANGED_KEYS = ['seq', 'time', 'reset', 'tasks', 'finished'] as const satisfies readonly (keyof TasksChangedParams)[];

// ── Compact form (`compact: true` on `tasks/subscribe` and `tasks/snapshot`) ─────────────
// Repeated strings (file paths, qualnames, states, wait kinds) go once into a string table
// and are sent as indices, await chains once into a chain table; a task is an array of its
// fields in `COMPACT_TASK_FIELDS` order. `compactTasks.ts` decodes it back into `TaskInfo`.
// The tables of a subscription grow from one `tasks/changed` to the next (`strings` and
// `chains` hold the new entries) and start empty again at every `reset: true`; a snapshot
// carries its own whole tables.

/** Index into the string table. */
export type StringRef = number;
/** Index into the chain table. */
export type ChainRef = number;
/** `SourceLocation` as `[file, line]`. */
export type CompactSite = [file: StringRef, line: number];
/** `ChainFrame` as `[name, file, line]`. */
export type CompactFrame = [name: StringRef, file: StringRef, line: number];
/** `WaitingOn` as `[kind, detail, tasks]`, plus an object with its other keys when it has any. */
export type CompactWaiting =
  | [kind: StringRef, detail: string, tasks: number[]]
  | [kind: StringRef, detail: string, tasks: number[], rest: Omit<WaitingOn, 'kind' | 'detail' | 'tasks'>];

/** `TaskInfo` fields in the order of a compact task array (same order as `TASK_KEYS`). */
export const COMPACT_TASK_FIELDS = TASK_KEYS;
/** Fields sent as `StringRef`. */
export const COMPACT_STRING_FIELDS = ['state', 'coro'] as const satisfies readonly (keyof TaskInfo)[];
export const COMPACT_FRAME = ['name', 'file', 'line'] as const satisfies readonly (keyof ChainFrame)[];
export const COMPACT_SITE = ['file', 'line'] as const satisfies readonly (keyof SourceLocation)[];
export const COMPACT_WAITING = ['kind', 'detail', 'tasks'] as const satisfies readonly (keyof WaitingOn)[];

export type CompactTask = [
  id: number, name: string, state: StringRef, parent: number | null, group: number | null, coro: StringRef,
  created_at: CompactSite | null, chain: ChainRef, waiting_on: CompactWaiting | null, awaited_by: number[],
  cancel: CancelInfo | null, exception: string | null, steps: number, busy_ms: number, created: number | null,
  first_run: number | null, finished: number | null, shielded: boolean,
];

export interface CompactTasksChangedParams extends Omit<TasksChangedParams, 'tasks' | 'finished'> {
  /** Strings added to the subscription's table, in index order. */
  strings: string[];
  /** Chains added to the subscription's chain table, in index order. */
  chains: CompactFrame[][];
  tasks: CompactTask[];
  finished: CompactTask[];
}

export interface CompactSnapshot extends Omit<Snapshot, 'tasks' | 'history'> {
  /** The whole string and chain tables of this snapshot. */
  strings: string[];
  chains: CompactFrame[][];
  tasks: CompactTask[];
  history: CompactTask[];
}

export const COMPACT_TASKS_CHANGED_KEYS = [...TASKS_CHANGED_KEYS, 'strings', 'chains'] as const satisfies readonly (keyof CompactTasksChangedParams)[];
export const COMPACT_SNAPSHOT_KEYS = [...SNAPSHOT_KEYS, 'strings', 'chains'] as const satisfies readonly (keyof CompactSnapshot)[];

// ── Debugger engine ────────────────────────────────────────────────────────────────────
// Ids: `threadId` is a small integer the runtime assigns to each Python thread (1 = the main
// thread). `frameId` and `ref` (variables reference) are positive integers, valid only until
// the program resumes. Lines are 1-based.

export interface DebugConfigureParams {
  /** Never stop in the standard library, asyncio, site-packages or the runtime. */
  justMyCode: boolean;
  stopOnEntry: boolean;
}

export interface SourceBreakpoint {
  line: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface SetBreakpointsParams {
  /** Absolute path of the source file. */
  file: string;
  breakpoints: SourceBreakpoint[];
}

export interface BreakpointResult {
  /** Same order as the request. */
  id: number;
  verified: boolean;
  /** The line actually used: the nearest executable line at or after the requested one. */
  line: number;
  message?: string;
}

/** 'raised' | 'uncaught' | 'userUncaught' | 'taskFailed' (a task failed and nobody awaited it). */
export const EXCEPTION_FILTERS = ['raised', 'uncaught', 'userUncaught', 'taskFailed'] as const;
export type ExceptionFilter = (typeof EXCEPTION_FILTERS)[number];

export interface ThreadInfo {
  id: number;
  name: string;
  /** A stopped thread that stopped inside an asyncio task: that task (listed as this thread, not again). */
  taskId?: number;
  taskName?: string;
}

export type StepKind = 'over' | 'into' | 'out';

export interface StepParams {
  threadId: number;
  kind: StepKind;
  /** For `into`: one of the ids from `debug/stepInTargets`. */
  targetId?: number;
  /**
   * Step this task instead (its thread was selected in the Call Stack): a suspended task
   * stops at its own next line, whenever it runs again. `threadId` is then ignored.
   */
  taskId?: number;
}

export interface FrameInfo {
  id: number;
  name: string;
  file: string;
  line: number;
  column: number;
  /** 'label' for a separator such as "awaited by Task 'album'"; 'subtle' for asyncio internals. */
  hint?: 'normal' | 'label' | 'subtle';
}

export interface StackTraceResult {
  frames: FrameInfo[];
  total: number;
}

export interface ScopeInfo {
  name: string;
  ref: number;
  expensive: boolean;
}

export interface VariableInfo {
  name: string;
  /** Safe repr: a raising `__repr__` shows the error, a huge one is truncated. */
  value: string;
  type: string;
  /** > 0 when the value has children. */
  ref: number;
  named?: number;
  indexed?: number;
  /** Expression that evaluates to this value in the frame (for "Copy as Expression"). */
  evaluateName?: string;
}

export interface EvaluateParams {
  expression: string;
  frameId?: number;
  context: 'hover' | 'watch' | 'repl' | 'clipboard';
  /** Give up after this long; the evaluation is interrupted and an error returned. */
  timeoutMs: number;
}

export interface EvaluateResult {
  result: string;
  type: string;
  ref: number;
}

export interface ExceptionInfoResult {
  exceptionId: string;
  description: string;
  breakMode: 'always' | 'unhandled' | 'userUnhandled';
  typeName: string;
  message: string;
  stackTrace: string;
}

export interface StoppedParams {
  reason: 'breakpoint' | 'step' | 'pause' | 'exception' | 'entry' | 'function breakpoint';
  threadId: number;
  description?: string;
  text?: string;
  hitBreakpointIds?: number[];
  /** The asyncio task running on the stopped thread, if any. */
  taskId?: number | null;
}

export interface OutputParams {
  category: 'console' | 'important';
  output: string;
  file?: string;
  line?: number;
}

export interface CancelTaskParams {
  id: number;
  message?: string;
}

export interface ThreadsResult {
  threads: ThreadInfo[];
}

type Empty = Record<string, never>;

/** Each request's params and result, by method name. */
export interface RequestMap {
  [Requests.initialize]: [InitializeParams, InitializeResult];
  [Requests.programStart]: [Empty, Empty];
  [Requests.tasksSnapshot]: [SnapshotParams, Snapshot | CompactSnapshot];
  [Requests.tasksSubscribe]: [SubscribeParams, Empty];
  [Requests.tasksCancel]: [CancelTaskParams, { cancelled: boolean }];
  [Requests.debugConfigure]: [DebugConfigureParams, Empty];
  [Requests.debugSetBreakpoints]: [SetBreakpointsParams, { breakpoints: BreakpointResult[] }];
  [Requests.debugSetExceptionBreakpoints]: [{ filters: ExceptionFilter[] }, Empty];
  [Requests.debugThreads]: [Empty, ThreadsResult];
  [Requests.debugContinue]: [{ threadId?: number }, Empty];
  [Requests.debugPause]: [{ threadId?: number }, Empty];
  [Requests.debugStep]: [StepParams, Empty];
  [Requests.debugStepInTargets]: [{ frameId: number }, { targets: { id: number; label: string }[] }];
  [Requests.debugStackTrace]: [{ threadId: number; startFrame?: number; levels?: number }, StackTraceResult];
  [Requests.debugTaskStack]: [{ taskId: number; startFrame?: number; levels?: number }, StackTraceResult];
  [Requests.debugScopes]: [{ frameId: number }, { scopes: ScopeInfo[] }];
  [Requests.debugVariables]: [{ ref: number; start?: number; count?: number }, { variables: VariableInfo[] }];
  [Requests.debugEvaluate]: [EvaluateParams, EvaluateResult];
  [Requests.debugSetVariable]: [{ ref: number; name: string; value: string }, VariableInfo];
  [Requests.debugExceptionInfo]: [{ threadId: number }, ExceptionInfoResult];
}

/** Each notification's params, by method name. */
export interface NotificationMap {
  [Notifications.hello]: HelloParams;
  [Notifications.tasksChanged]: TasksChangedParams | CompactTasksChangedParams;
  [Notifications.loopBlocked]: LoopBlocked;
  [Notifications.loopUnblocked]: LoopUnblockedParams;
  [Notifications.taskWarning]: TaskWarning;
  [Notifications.debugStopped]: StoppedParams;
  [Notifications.debugContinued]: { threadId: number; allThreadsContinued: boolean };
  [Notifications.debugThread]: { reason: 'started' | 'exited'; threadId: number; name: string };
  [Notifications.debugOutput]: OutputParams;
}

// Fails to compile when a request or notification lacks its entry in the maps above.
type Unmapped = Exclude<(typeof Requests)[keyof typeof Requests], keyof RequestMap> | Exclude<(typeof Notifications)[keyof typeof Notifications], keyof NotificationMap>;
const _everyMessageMapped: Unmapped extends never ? true : Unmapped = true;
void _everyMessageMapped;

/** Everything the Python mirror must agree with, in plain JSON. */
export function describeProtocol() {
  return {
    version: PROTOCOL_VERSION,
    tokenEnv: TOKEN_ENV,
    requests: Object.values(Requests).sort(),
    notifications: Object.values(Notifications).sort(),
    taskStates: [...TASK_STATES],
    taskKeys: [...TASK_KEYS].sort(),
    snapshotKeys: [...SNAPSHOT_KEYS].sort(),
    tasksChangedKeys: [...TASKS_CHANGED_KEYS].sort(),
    exceptionFilters: [...EXCEPTION_FILTERS],
    compact: {
      taskFields: [...COMPACT_TASK_FIELDS],
      stringFields: [...COMPACT_STRING_FIELDS].sort(),
      frame: [...COMPACT_FRAME],
      site: [...COMPACT_SITE],
      waiting: [...COMPACT_WAITING],
      tasksChangedKeys: [...COMPACT_TASKS_CHANGED_KEYS].sort(),
      snapshotKeys: [...COMPACT_SNAPSHOT_KEYS].sort(),
    },
  };
}
