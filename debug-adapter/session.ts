/**
 * The DAP session of the `asyncio-lens` debug type: a thin translator, as in vscode-mock-debug.
 * Each request converts its arguments, calls one method of the AgentClient, and answers.
 */
import { Event, ExitedEvent, InitializedEvent, Logger, LoggingDebugSession, OutputEvent, TerminatedEvent, Thread, logger } from '@vscode/debugadapter';
import { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { AgentClient } from './agentClient';
import { CustomEvents, CustomRequests } from './customProtocol';
import { ErrorCodes, ProtocolError, toProtocolError } from './errors';
import { checkLaunchArguments, DEFAULT_TASKS_UPDATE_INTERVAL_MS, LaunchArguments } from './launchArguments';
import { resolveProgramPaths } from './runtimeProcess';

/** The program's main thread; real thread support comes with the debugger engine. */
const MAIN_THREAD_ID = 1;

export interface SessionOptions {
  /** Folder holding the bundled `asyncio_lens` package (dist/runtime). */
  runtimeDir: string;
  /** Interpreter used when the launch configuration names none. */
  defaultPython?: string;
}

export class AsyncioLensSession extends LoggingDebugSession {
  private readonly agent: AgentClient;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));
  private terminatedSent = false;

  constructor(private readonly options: SessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.agent = new AgentClient({
      output: (category, text) => this.sendEvent(new OutputEvent(text, category)),
      tasksChanged: (params) => this.sendEvent(new Event(CustomEvents.tasksChanged, params)),
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
      const paths = resolveProgramPaths(args.program, args.cwd);
      await this.configured;
      await this.agent.launch({
        python: args.python ?? this.options.defaultPython ?? 'python3',
        program: paths.program,
        args: args.args ?? [],
        cwd: paths.cwd,
        env: args.env ?? {},
        runtimeDir: this.options.runtimeDir,
        tasksUpdateIntervalMs: args.tasksUpdateIntervalMs ?? DEFAULT_TASKS_UPDATE_INTERVAL_MS,
      });
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(MAIN_THREAD_ID, 'MainThread')] };
    this.sendResponse(response);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendErrorResponse(response, ErrorCodes.unsupported, 'Pausing is not supported yet by Asyncio Lens.');
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.agent.terminate();
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.agent.dispose();
    this.sendResponse(response);
    this.sendTerminated();
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    switch (command) {
      case CustomRequests.tasks:
        this.handle(response, async () => this.agent.snapshot());
        return;
      default:
        super.customRequest(command, response, args);
    }
  }

  /** Every async handler goes through here, so every request gets a response. */
  private handle(response: DebugProtocol.Response, work: () => Promise<unknown>): void {
    work().then(
      (body) => {
        if (body !== undefined) response.body = body;
        this.sendResponse(response);
      },
      (err: unknown) => {
        const error = toProtocolError(err);
        logger.error(`${response.command} failed: ${error.message}`);
        this.sendErrorResponse(response, { id: error.code, format: error.message, showUser: true });
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

/** The runtime that ships beside the bundled adapter (see esbuild.mjs). */
export function bundledRuntimeDir(distDir: string): string {
  return join(distDir, 'runtime');
}

export { ProtocolError };
