/**
 * The DAP session of the `asyncio-lens` debug type: a thin translator, as in vscode-mock-debug.
 * Each request converts its arguments, calls the AgentClient, and answers.
 */
import {
  ContinuedEvent,
  Event,
  ExitedEvent,
  InitializedEvent,
  Logger,
  LoggingDebugSession,
  logger,
  OutputEvent,
  StoppedEvent,
  TerminatedEvent,
  Thread,
  ThreadEvent,
} from '@vscode/debugadapter';
import { DebugProtocol } from '@vscode/debugprotocol';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BreakpointResult, EXCEPTION_FILTERS, ExceptionFilter, NotificationMap, StepKind, SourceBreakpoint, StepParams, Notifications, Requests, StoppedParams } from './agentProtocol';
import { CompactChangeDecoder, decodeSnapshot } from './compactTasks';
import { AgentClient } from './agentClient';
import { CustomEvents, CustomRequests } from './customProtocol';
import { toDapBreakpoint, toDapFrame, toDapVariable, toSourceBreakpoints } from './dapConvert';
import { ErrorCodes, ProtocolError, toProtocolError } from './errors';
import {
  AttachArguments,
  checkAttachArguments,
  checkLaunchArguments,
  DEFAULT_MAX_TASK_THREADS,
  DEFAULT_TASKS_UPDATE_INTERVAL_MS,
  LaunchArguments,
} from './launchArguments';
import { LiveTasks } from './liveTasks';
import { markerLines, MarkerStops } from './markerStops';
import { resolveProgramPaths } from './runtimeProcess';
import { pythonThreadName, rankTaskThreads, taskIdOfThread, taskThreadId, taskThreadName } from './taskThreads';

/** How long an evaluation may run before the runtime interrupts it, by context. */
const EVALUATE_TIMEOUT_MS: Record<string, number> = { hover: 1000, watch: 2000, clipboard: 2000, repl: 10_000 };

const EXCEPTION_FILTER_LABELS: Record<ExceptionFilter, [label: string, byDefault: boolean]> = {
  raised: ['Raised Exceptions', false],
  uncaught: ['Uncaught Exceptions', true],
  userUncaught: ['User Uncaught Exceptions', false],
  taskFailed: ['Task Failed and Nobody Awaited It', false],
};

export interface SessionOptions {
  /** Folder holding the bundled `asyncio_lens` package (dist/runtime). */
  runtimeDir: string;
}

export class AsyncioLensSession extends LoggingDebugSession {
  private readonly agent: AgentClient;
  private readonly tasks = new LiveTasks();
  /** The subscription's string table: `tasks/changed` arrives compact and leaves in full. */
  private readonly changes = new CompactChangeDecoder();
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private terminatedSent = false;
  /** Attached to a program we did not start: disconnecting leaves it running. */
  private attached = false;
  private maxTaskThreads = DEFAULT_MAX_TASK_THREADS;
  /** The task running on the thread that stopped last; ranks the task threads. */
  private stoppedTaskId: number | null = null;
  /** Epoch seconds when the program stopped (task threads say the time left at that moment), or null while it runs. */
  private stoppedAt: number | null = null;
  /** The launch's `stopAtMarker` lines, merged into the user's breakpoints. */
  private readonly markers = new MarkerStops();

  constructor(private readonly options: SessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.agent = new AgentClient({
      output: (category, text) => this.sendEvent(new OutputEvent(text, category)),
      notification: (method, params) => this.onNotification(method, params),
      detached: () => {
        this.sendEvent(new OutputEvent('Detached: the program closed the connection.\n', 'console'));
        this.sendTerminated();
      },
      exit: (end) => {
        const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
        this.sendEvent(new OutputEvent(`Process ${how}.\n`, 'console'));
        this.sendEvent(new ExitedEvent(end.code));
        this.sendTerminated();
      },
    });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsTerminateRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsExceptionInfoRequest: true,
      supportsStepInTargetsRequest: true,
      supportsDelayedStackTraceLoading: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((filter) => ({
        filter,
        label: EXCEPTION_FILTER_LABELS[filter][0],
        default: EXCEPTION_FILTER_LABELS[filter][1],
      })),
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): void {
    this.handle(response, async () => {
      const args: LaunchArguments = checkLaunchArguments(raw as Record<string, unknown>);
      if (args.trace) logger.setup(Logger.LogLevel.Verbose, args.trace);
      this.maxTaskThreads = args.maxTaskThreads ?? DEFAULT_MAX_TASK_THREADS;
      const paths = resolveProgramPaths(args.program, args.cwd);
      if (args.stopAtMarker) await this.addMarkerStops(paths.program, args.stopAtMarker);
      await this.agent.start({
        python: args.python ?? (process.platform === 'win32' ? 'python' : 'python3'),
        program: paths.program,
        args: args.args ?? [],
        cwd: paths.cwd,
        env: args.env ?? {},
        runtimeDir: this.options.runtimeDir,
        subscribe: { intervalMs: args.tasksUpdateIntervalMs ?? DEFAULT_TASKS_UPDATE_INTERVAL_MS, compact: true },
        debug: { justMyCode: args.justMyCode ?? true, stopOnEntry: args.stopOnEntry ?? false },
      });
      if (args.stopAtMarker) await this.setBreakpoints(paths.program);
      await this.configured;
      await this.agent.run();
    });
  }

  /** Reads the marker's lines now, so that any breakpoints sent from here on include them. */
  private async addMarkerStops(program: string, marker: string): Promise<void> {
    const lines = markerLines(await readFile(program, 'utf8').catch(() => ''), marker);
    if (lines.length === 0) this.sendEvent(new OutputEvent(`No line of ${program} contains "${marker}": nothing to stop at.\n`, 'console'));
    this.markers.addMarkers(program, marker, lines);
  }

  /** Sends the runtime a file's breakpoints: the user's (updated when given) and the marker stops. */
  private async setBreakpoints(file: string, user?: SourceBreakpoint[]): Promise<BreakpointResult[]> {
    const { breakpoints } = await this.agent.call(Requests.debugSetBreakpoints, this.markers.request(file, user));
    return this.markers.userResults(file, breakpoints, user !== undefined);
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, raw: DebugProtocol.AttachRequestArguments): void {
    this.handle(response, async () => {
      const args: AttachArguments = checkAttachArguments(raw as Record<string, unknown>);
      if (args.trace) logger.setup(Logger.LogLevel.Verbose, args.trace);
      this.maxTaskThreads = args.maxTaskThreads ?? DEFAULT_MAX_TASK_THREADS;
      this.attached = true;
      await this.agent.attach({
        target: args.processId !== undefined
          ? { processId: Number(args.processId), python: args.python, runtimeDir: this.options.runtimeDir }
          : { host: args.host ?? '127.0.0.1', port: args.port!, token: args.token ?? (await readTokenFile(args.tokenFile!)) },
        subscribe: { intervalMs: args.tasksUpdateIntervalMs ?? DEFAULT_TASKS_UPDATE_INTERVAL_MS, compact: true },
        debug: { justMyCode: args.justMyCode ?? true, stopOnEntry: false },
      });
      await this.configured;
      await this.agent.run();
    });
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.handle(response, async () => {
      const file = args.source.path;
      if (!file) return { breakpoints: toSourceBreakpoints(args).map(() => ({ verified: false, message: 'Only files on disk can have breakpoints.' })) };
      const breakpoints = await this.setBreakpoints(file, toSourceBreakpoints(args));
      return { breakpoints: breakpoints.map((bp) => toDapBreakpoint(bp, file)) };
    });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const filters = args.filters.filter((f): f is ExceptionFilter => (EXCEPTION_FILTERS as readonly string[]).includes(f));
      await this.agent.call(Requests.debugSetExceptionBreakpoints, { filters });
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    this.handle(response, async () => {
      const { threads } = await this.agent.call(Requests.debugThreads, {});
      // A task a thread stopped in is that thread: it is not listed again as a task thread.
      const onThreads = new Set(threads.flatMap((t) => (t.taskId === undefined ? [] : [t.taskId])));
      const nameOf = (id: number) => this.tasks.get(id)?.name;
      const now = this.stoppedAt ?? Date.now() / 1000;
      const taskThreads = rankTaskThreads(this.tasks, this.stoppedTaskId, this.maxTaskThreads, onThreads).map(
        (task) => new Thread(taskThreadId(task.id), taskThreadName(task, nameOf, now)),
      );
      return { threads: [...threads.map((t) => new Thread(t.id, pythonThreadName(t))), ...taskThreads] };
    });
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.handle(response, async () => {
      const range = { startFrame: args.startFrame, levels: args.levels };
      const taskId = taskIdOfThread(args.threadId);
      const { frames, total } =
        taskId === undefined
          ? await this.agent.call(Requests.debugStackTrace, { threadId: args.threadId, ...range })
          : await this.agent.call(Requests.debugTaskStack, { taskId, ...range });
      return { stackFrames: frames.map(toDapFrame), totalFrames: total };
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.handle(response, async () => {
      const { scopes } = await this.agent.call(Requests.debugScopes, { frameId: args.frameId });
      return { scopes: scopes.map((s) => ({ name: s.name, variablesReference: s.ref, expensive: s.expensive })) };
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.handle(response, async () => {
      const { variables } = await this.agent.call(Requests.debugVariables, { ref: args.variablesReference, start: args.start, count: args.count });
      return { variables: variables.map(toDapVariable) };
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.handle(response, async () => {
      const v = await this.agent.call(Requests.debugSetVariable, { ref: args.variablesReference, name: args.name, value: args.value });
      return { value: v.value, type: v.type, variablesReference: v.ref };
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.handle(response, async () => {
      const context = (args.context ?? 'repl') as 'hover' | 'watch' | 'repl' | 'clipboard';
      const r = await this.agent.call(Requests.debugEvaluate, {
        expression: args.expression,
        frameId: args.frameId,
        context,
        timeoutMs: EVALUATE_TIMEOUT_MS[context] ?? EVALUATE_TIMEOUT_MS.repl,
      });
      return { result: r.result, type: r.type, variablesReference: r.ref };
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    this.handle(response, async () => {
      const info = await this.agent.call(Requests.debugExceptionInfo, { threadId: args.threadId });
      return {
        exceptionId: info.exceptionId,
        description: info.description,
        breakMode: info.breakMode,
        details: { typeName: info.typeName, message: info.message, stackTrace: info.stackTrace },
      };
    });
  }

  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse, args: DebugProtocol.StepInTargetsArguments): void {
    this.handle(response, async () => this.agent.call(Requests.debugStepInTargets, { frameId: args.frameId }));
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    this.handle(response, async () => {
      await this.agent.call(Requests.debugContinue, { threadId: args.threadId });
      return { allThreadsContinued: true };
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.handle(response, () => this.agent.call(Requests.debugStep, stepParams(args.threadId, 'over')));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.handle(response, () => this.agent.call(Requests.debugStep, stepParams(args.threadId, 'into', args.targetId)));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.handle(response, () => this.agent.call(Requests.debugStep, stepParams(args.threadId, 'out')));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    const taskId = taskIdOfThread(args.threadId);
    // A task runs on the loop's thread: pausing a task pauses the whole program.
    this.handle(response, () => this.agent.call(Requests.debugPause, taskId === undefined ? { threadId: args.threadId } : {}));
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.agent.terminate();
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    if (this.attached && !args?.terminateDebuggee) this.agent.detach();
    else this.agent.dispose();
    this.sendResponse(response);
    this.sendTerminated();
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    switch (command) {
      case CustomRequests.tasks:
        this.handle(response, async () => decodeSnapshot(await this.agent.call(Requests.tasksSnapshot, { compact: true })));
        return;
      case CustomRequests.cancelTask: {
        const { id, message } = (args ?? {}) as { id?: unknown; message?: unknown };
        this.handle(response, async () => {
          if (typeof id !== 'number') throw new ProtocolError(ErrorCodes.invalidArguments, 'asyncioLens/cancelTask needs the task "id".');
          return this.agent.call(Requests.tasksCancel, { id, ...(typeof message === 'string' ? { message } : {}) });
        });
        return;
      }
      default:
        super.customRequest(command, response, args);
    }
  }

  private onNotification<M extends keyof NotificationMap>(method: M, params: NotificationMap[M]): void {
    switch (method) {
      case Notifications.tasksChanged: {
        const change = this.changes.decode(params as NotificationMap[typeof Notifications.tasksChanged]);
        this.tasks.apply(change);
        this.sendEvent(new Event(CustomEvents.tasksChanged, change));
        return;
      }
      case Notifications.loopBlocked:
        this.sendEvent(new Event(CustomEvents.loopBlocked, params));
        return;
      case Notifications.loopUnblocked:
        this.sendEvent(new Event(CustomEvents.loopUnblocked, params));
        return;
      case Notifications.taskWarning:
        this.sendEvent(new Event(CustomEvents.taskWarning, params));
        return;
      case Notifications.debugStopped: {
        const { stopped, rearm } = this.markers.onStopped(params as StoppedParams);
        // A marker stops once: its file goes back to the user's breakpoints alone.
        if (rearm) this.setBreakpoints(rearm).catch((err: unknown) => logger.error(`dropping the marker stop failed: ${String(err)}`));
        this.stoppedTaskId = stopped.taskId ?? null;
        this.stoppedAt = Date.now() / 1000;
        const event = new StoppedEvent(stopped.reason, stopped.threadId, stopped.text) as DebugProtocol.StoppedEvent;
        event.body.description = stopped.description;
        event.body.allThreadsStopped = true;
        if (stopped.hitBreakpointIds) event.body.hitBreakpointIds = stopped.hitBreakpointIds;
        this.sendEvent(event);
        return;
      }
      case Notifications.debugContinued: {
        const continued = params as NotificationMap[typeof Notifications.debugContinued];
        this.stoppedAt = null;
        this.sendEvent(new ContinuedEvent(continued.threadId, continued.allThreadsContinued));
        return;
      }
      case Notifications.debugThread: {
        const thread = params as NotificationMap[typeof Notifications.debugThread];
        this.sendEvent(new ThreadEvent(thread.reason, thread.threadId));
        return;
      }
      case Notifications.debugOutput: {
        const out = params as NotificationMap[typeof Notifications.debugOutput];
        const event = new OutputEvent(out.output, out.category) as DebugProtocol.OutputEvent;
        if (out.file) {
          event.body.source = { path: out.file };
          event.body.line = out.line;
        }
        this.sendEvent(event);
        return;
      }
    }
  }

  /** Every async handler goes through here, so every request gets a response. */
  private handle(response: DebugProtocol.Response, work: () => Promise<unknown>): void {
    work().then(
      (body) => {
        if (body !== undefined && Object.keys(body as object).length > 0) response.body = body;
        this.sendResponse(response);
      },
      (err: unknown) => {
        const error = toProtocolError(err);
        logger.error(`${response.command} failed: ${error.message}`);
        this.sendErrorResponse(response, { id: error.code, format: error.message, showUser: response.command === 'launch' });
      },
    );
  }

  private sendTerminated(): void {
    if (this.terminatedSent) return;
    this.terminatedSent = true;
    this.sendEvent(new TerminatedEvent());
  }

  override shutdown(): void {
    this.agent.dispose();
    super.shutdown();
  }
}

async function readTokenFile(file: string): Promise<string> {
  try {
    // The runtime writes the token on the first line and HOST:PORT on the second.
    return (await readFile(file, 'utf8')).split('\n')[0].trim();
  } catch (err) {
    throw new ProtocolError(ErrorCodes.attachFailed, `Could not read the token file "${file}": ${(err as Error).message}`);
  }
}

/** A step on a task thread steps that task (it stops at the task's own next line). */
function stepParams(threadId: number, kind: StepKind, targetId?: number): StepParams {
  const taskId = taskIdOfThread(threadId);
  return {
    threadId: taskId === undefined ? threadId : 0,
    kind,
    ...(targetId !== undefined ? { targetId } : {}),
    ...(taskId !== undefined ? { taskId } : {}),
  };
}

/** The runtime that ships beside the bundled adapter (see esbuild.mjs). */
export function bundledRuntimeDir(distDir: string): string {
  return join(distDir, 'runtime');
}
