/**
 * The adapter's only door to the Python runtime: starts it, accepts its connection back over
 * loopback after checking the one-time token, and speaks the JSON-RPC protocol of
 * `agentProtocol.ts`. Imports nothing from `@vscode/debugadapter`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { createMessageConnection, MessageConnection, ResponseError, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import {
  DebugConfigureParams,
  HelloParams,
  InitializeResult,
  NotificationMap,
  Notifications,
  PROTOCOL_VERSION,
  RequestMap,
  Requests,
  SubscribeParams,
  TOKEN_ENV,
} from './agentProtocol';
import { ErrorCodes, ProtocolError } from './errors';
import { AgentAddress, ProcessAttach, ProcessAttachOptions } from './processAttach';
import { ProcessEnd, RuntimeProcess } from './runtimeProcess';

/** How long the runtime may take from spawn to a verified `hello`. */
const CONNECT_TIMEOUT_MS = 30_000;
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How long an unknown peer may take to present the token. */
const HELLO_TIMEOUT_MS = 5_000;

export interface AgentLaunchOptions {
  python: string;
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
  runtimeDir: string;
  subscribe: SubscribeParams;
  debug: DebugConfigureParams;
}

/** A program that listens (`--listen`), or one to start the agent in first (by process id, 3.14+). */
export interface AgentAttachOptions {
  target: AgentAddress | ProcessAttachOptions;
  subscribe: SubscribeParams;
  debug: DebugConfigureParams;
}

export interface AgentEvents {
  output(category: 'stdout' | 'stderr' | 'console', text: string): void;
  notification<M extends keyof NotificationMap>(method: M, params: NotificationMap[M]): void;
  /** The launched program ended. */
  exit(end: ProcessEnd): void;
  /** The connection to an attached program closed. */
  detached(): void;
}

type RequestMethod = keyof RequestMap;

export class AgentClient {
  private process: RuntimeProcess | undefined;
  private connection: MessageConnection | undefined;
  private server: Server | undefined;
  private processAttach: ProcessAttach | undefined;
  private connectedResolve!: (connection: MessageConnection) => void;
  private connectedReject!: (err: unknown) => void;
  /** Settles when the runtime has connected and been initialized, or failed to. */
  private readonly connected = new Promise<MessageConnection>((resolve, reject) => {
    this.connectedResolve = resolve;
    this.connectedReject = reject;
  });

  constructor(private readonly events: AgentEvents) {
    // Requests that wait for the connection report its failure themselves.
    this.connected.catch(() => undefined);
  }

  /**
   * Spawns the runtime with the program, waits for it to connect, initializes and configures
   * it. The program itself starts only with `run()`.
   */
  async start(options: AgentLaunchOptions): Promise<InitializeResult> {
    try {
      const token = randomBytes(24).toString('hex');
      const port = await this.listen();
      return await this.handshake(await this.spawnAndAccept(options, token, port), options);
    } catch (err) {
      this.connectedReject(err);
      this.terminate();
      throw err;
    }
  }

  /**
   * Connects to a program started with `python -m asyncio_lens run --listen HOST:PORT`. Here the
   * adapter is the client, so it presents the token in its `hello`; the runtime drops a peer
   * with the wrong one.
   */
  async attach(options: AgentAttachOptions): Promise<InitializeResult> {
    try {
      const target = 'processId' in options.target ? await this.startInProcess(options.target) : options.target;
      if (!isLoopback(target.host)) {
        throw new ProtocolError(ErrorCodes.invalidArguments, `Asyncio Lens attaches only to this machine (127.0.0.1 or localhost), not "${target.host}".`);
      }
      const socket = await new Promise<Socket>((resolve, reject) => {
        const peer = connect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
        peer.once('connect', () => resolve(peer));
        peer.once('timeout', () => reject(new Error('timed out')));
        peer.once('error', reject);
      }).catch((err: Error) => {
        throw new ProtocolError(ErrorCodes.attachFailed, `Could not attach to ${target.host}:${target.port}: ${err.message}. Is the program running with --listen?`);
      });
      // A refused token closes the socket under a pending write; the failed request reports it.
      socket.on('error', () => undefined);
      const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
      this.forwardNotifications(connection);
      connection.onClose(() => {
        this.connection = undefined;
        this.events.detached();
      });
      connection.onError(() => undefined);
      connection.listen();
      await connection.sendNotification(Notifications.hello, { token: target.token, version: PROTOCOL_VERSION, pid: process.pid, python: '' });
      return await this.handshake(connection, options, 'The program refused the connection: check the token it printed.');
    } catch (err) {
      this.connectedReject(err);
      throw err;
    }
  }

  /** Starts the agent in a running program (attach by process id); what it prints while it waits goes to the console. */
  private async startInProcess(options: ProcessAttachOptions): Promise<AgentAddress> {
    const attach = new ProcessAttach(options, (line) => this.events.output('console', `${line}\n`));
    this.processAttach = attach;
    try {
      return await attach.address;
    } finally {
      this.processAttach = undefined;
    }
  }

  /** Initializes, subscribes and configures a verified connection, then lets requests through. */
  private async handshake(
    connection: MessageConnection,
    options: { subscribe: SubscribeParams; debug: DebugConfigureParams },
    refusedMessage?: string,
  ): Promise<InitializeResult> {
    // A pending request is not failed when the peer closes the socket (a runtime refusing our token
    // closes it after reading hello, maybe after our initialize went out), so each step also ends on close.
    const closed = new Promise<never>((_, reject) => connection.onClose(() => reject(new Error('The program closed the connection.'))));
    closed.catch(() => undefined);
    const init = await Promise.race([connection.sendRequest<InitializeResult>(Requests.initialize, { clientName: 'asyncio-lens-debug-adapter' }), closed])
      .catch((err: unknown) => {
        throw refusedMessage ? new ProtocolError(ErrorCodes.attachFailed, refusedMessage) : err;
      });
    if (init.version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        ErrorCodes.runtimeStartFailed,
        `The Python runtime speaks protocol version ${init.version}, the adapter ${PROTOCOL_VERSION}. Rebuild the extension.`,
      );
    }
    await Promise.race([connection.sendRequest(Requests.tasksSubscribe, options.subscribe), closed]);
    await Promise.race([this.sendIfSupported(connection, Requests.debugConfigure, options.debug), closed]);
    this.connection = connection;
    this.connectedResolve(connection);
    return init;
  }

  /** Lets the program run (after breakpoints are set). */
  async run(): Promise<void> {
    await this.call(Requests.programStart, {});
  }

  /** Sends a request once connected; a runtime that is gone gives a readable error. */
  async call<M extends RequestMethod>(method: M, params: RequestMap[M][0]): Promise<RequestMap[M][1]> {
    const connection = this.connection ?? (await this.connected);
    if (this.process?.hasEnded) throw new ProtocolError(ErrorCodes.notConnected, 'The program has ended.');
    try {
      return await connection.sendRequest<RequestMap[M][1]>(method, params);
    } catch (err) {
      if (err instanceof ResponseError) throw new ProtocolError(ErrorCodes.runtimeError, err.message);
      throw new ProtocolError(ErrorCodes.notConnected, 'The connection to the program was lost.');
    }
  }

  /** Ends the program (and the processes it started). Safe to call more than once. */
  terminate(): void {
    this.closeServer();
    this.process?.kill();
  }

  /** Closes the connection and leaves an attached program running. */
  detach(): void {
    this.processAttach?.cancel();
    this.connection?.dispose();
    this.connection = undefined;
  }

  dispose(): void {
    this.processAttach?.cancel();
    this.terminate();
    this.connection?.dispose();
    this.connection = undefined;
  }

  private async listen(): Promise<number> {
    const server = createServer();
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: `evaluate` runs code, so nothing off this machine may reach the runtime.
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  private async spawnAndAccept(options: AgentLaunchOptions, token: string, port: number): Promise<MessageConnection> {
    let stderrBeforeConnect = '';
    let accepted: MessageConnection | undefined;
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
          if (!accepted && category === 'stderr') stderrBeforeConnect += text;
          this.events.output(category, text);
        },
        exit: (end) => {
          onEarlyExit(end);
          this.closeServer();
          this.events.exit(end);
        },
      },
    );

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
      this.server?.on('connection', (peer) => {
        void this.acceptIfTokenMatches(peer, token).then((connection) => {
          if (!connection) return;
          if (accepted) {
            connection.dispose();
            peer.destroy();
            return;
          }
          accepted = connection;
          clearTimeout(timer);
          resolve(connection);
        });
      });
    });
    onEarlyExit = () => undefined;
    // The token is single-use: nobody else may connect from now on.
    this.closeServer();

    this.forwardNotifications(connection);
    connection.onClose(() => {
      this.connection = undefined;
    });
    return connection;
  }

  private forwardNotifications(connection: MessageConnection): void {
    for (const method of Object.values(Notifications)) {
      if (method === Notifications.hello) continue;
      connection.onNotification(method, (params: NotificationMap[typeof method]) => this.events.notification(method, params));
    }
  }

  /** Debugger requests are optional for a runtime without the engine: tolerate "method not found". */
  private async sendIfSupported(connection: MessageConnection, method: RequestMethod, params: unknown): Promise<void> {
    try {
      await connection.sendRequest(method, params);
    } catch (err) {
      if (!(err instanceof ResponseError && err.code === -32601)) throw err;
    }
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
      const timer = setTimeout(() => finish(false), HELLO_TIMEOUT_MS);
      connection.onNotification(Notifications.hello, (params: HelloParams) => {
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
