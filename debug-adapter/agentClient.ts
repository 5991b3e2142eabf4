/**
 * The adapter's only door to the Python runtime: starts it, accepts its connection back over
 * loopback after checking the one-time token, and speaks the JSON-RPC protocol of
 * `agentProtocol.ts`. Imports nothing from `@vscode/debugadapter`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  createMessageConnection,
  MessageConnection,
  NotificationType,
  RequestType,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  HelloParams,
  InitializeParams,
  InitializeResult,
  Notifications,
  PROTOCOL_VERSION,
  Requests,
  Snapshot,
  SubscribeParams,
  TasksChangedParams,
  TOKEN_ENV,
} from './agentProtocol';
import { ErrorCodes, ProtocolError } from './errors';
import { ProcessEnd, RuntimeProcess } from './runtimeProcess';

const initializeRequest = new RequestType<InitializeParams, InitializeResult, void>(Requests.initialize);
const subscribeRequest = new RequestType<SubscribeParams, Record<string, never>, void>(Requests.tasksSubscribe);
const programStartRequest = new RequestType<Record<string, never>, Record<string, never>, void>(Requests.programStart);
const snapshotRequest = new RequestType<Record<string, never>, Snapshot, void>(Requests.tasksSnapshot);
const helloNotification = new NotificationType<HelloParams>(Notifications.hello);
const tasksChangedNotification = new NotificationType<TasksChangedParams>(Notifications.tasksChanged);

/** How long the runtime may take from spawn to a verified `hello`. */
const CONNECT_TIMEOUT_MS = 30_000;

export interface AgentLaunchOptions {
  python: string;
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
  runtimeDir: string;
  tasksUpdateIntervalMs: number;
}

export interface AgentEvents {
  output(category: 'stdout' | 'stderr' | 'console', text: string): void;
  tasksChanged(params: TasksChangedParams): void;
  exit(end: ProcessEnd): void;
}

export class AgentClient {
  private process: RuntimeProcess | undefined;
  private connection: MessageConnection | undefined;
  private server: Server | undefined;

  constructor(private readonly events: AgentEvents) {}

  /** Starts the program under the runtime; resolves once the runtime has been told to run it. */
  async launch(options: AgentLaunchOptions): Promise<InitializeResult> {
    const token = randomBytes(24).toString('hex');
    const server = createServer();
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;

    let stderrBeforeConnect = '';
    let connected = false;
    let onEarlyExit: (end: ProcessEnd) => void = () => undefined;
    this.process = await RuntimeProcess.start(
      {
        python: options.python,
        program: options.program,
        args: options.args,
        cwd: options.cwd,
        env: { ...options.env, [TOKEN_ENV]: token },
        runtimeArgs: ['--connect', `127.0.0.1:${port}`],
        runtimeDir: options.runtimeDir,
      },
      {
        output: (category, text) => {
          if (!connected && category === 'stderr') stderrBeforeConnect += text;
          this.events.output(category, text);
        },
        exit: (end) => {
          onEarlyExit(end);
          this.closeServer();
          this.events.exit(end);
        },
      },
    ).catch((err) => {
      this.closeServer();
      throw err;
    });

    const connection = await new Promise<MessageConnection>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ProtocolError(ErrorCodes.runtimeStartFailed, `The Python runtime did not connect within ${CONNECT_TIMEOUT_MS / 1000} s.`));
      }, CONNECT_TIMEOUT_MS);
      onEarlyExit = (end) => {
        clearTimeout(timer);
        const detail = stderrBeforeConnect.trim().split('\n').slice(-5).join('\n');
        reject(
          new ProtocolError(
            ErrorCodes.runtimeStartFailed,
            `The Python runtime exited with code ${end.code} before the program started.${detail ? `\n${detail}` : ''}`,
          ),
        );
      };
      server.on('connection', (peer) => {
        void this.acceptIfTokenMatches(peer, token).then((accepted) => {
          if (!accepted) return;
          if (connected) {
            accepted.dispose();
            peer.destroy();
            return;
          }
          connected = true;
          clearTimeout(timer);
          resolve(accepted);
        });
      });
    }).catch((err) => {
      this.process?.kill();
      throw err;
    });
    onEarlyExit = () => undefined;
    // The token is single-use: nobody else may connect from now on.
    this.closeServer();

    this.connection = connection;
    connection.onNotification(tasksChangedNotification, (params) => this.events.tasksChanged(params));
    connection.onClose(() => {
      this.connection = undefined;
    });

    const init = await connection.sendRequest(initializeRequest, { clientName: 'asyncio-lens-debug-adapter' });
    if (init.version !== PROTOCOL_VERSION) {
      this.process.kill();
      throw new ProtocolError(
        ErrorCodes.runtimeStartFailed,
        `The Python runtime speaks protocol version ${init.version}, the adapter ${PROTOCOL_VERSION}. Rebuild the extension.`,
      );
    }
    await connection.sendRequest(subscribeRequest, { intervalMs: options.tasksUpdateIntervalMs });
    await connection.sendRequest(programStartRequest, {});
    return init;
  }

  async snapshot(): Promise<Snapshot> {
    if (!this.connection) {
      throw new ProtocolError(ErrorCodes.notConnected, 'The program is not running, so there are no tasks to show.');
    }
    return this.connection.sendRequest(snapshotRequest, {});
  }

  /** Ends the program (and the processes it started). Safe to call more than once. */
  terminate(): void {
    this.closeServer();
    this.process?.kill();
  }

  dispose(): void {
    this.terminate();
    this.connection?.dispose();
    this.connection = undefined;
  }

  private closeServer(): void {
    this.server?.close();
    this.server = undefined;
  }

  /**
   * Builds a JSON-RPC connection on a new peer that only listens for `hello`: the
   * connection is handed out if the token matches, and destroyed otherwise.
   */
  private acceptIfTokenMatches(peer: Socket, token: string): Promise<MessageConnection | undefined> {
    const connection = createMessageConnection(new SocketMessageReader(peer), new SocketMessageWriter(peer));
    return new Promise((resolve) => {
      let settled = false;
      const finish = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!ok) {
          connection.dispose();
          peer.destroy();
        }
        resolve(ok ? connection : undefined);
      };
      const timer = setTimeout(() => finish(false), 5000);
      connection.onNotification(helloNotification, (params) => {
        const given = Buffer.from(typeof params?.token === 'string' ? params.token : '');
        const expected = Buffer.from(token);
        finish(given.length === expected.length && timingSafeEqual(given, expected));
      });
      connection.onClose(() => finish(false));
      connection.onError(() => finish(false));
      connection.listen();
    });
  }
}
