/**
 * Starts the user's program under the bundled Python runtime and reports what it prints
 * and how it ends. Knows nothing of DAP or of the JSON-RPC connection.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ErrorCodes, ProtocolError } from './errors';

export interface RuntimeProcessOptions {
  python: string;
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
  /** Arguments for the runtime that come before the program (e.g. `--connect`). */
  runtimeArgs: string[];
  runtimeDir: string;
}

export interface ProcessEnd {
  /** Exit code; for a signal, 128 + its number as a shell reports it. */
  code: number;
  signal: NodeJS.Signals | null;
}

export interface RuntimeProcessEvents {
  output(category: 'stdout' | 'stderr', text: string): void;
  exit(end: ProcessEnd): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 };

/** Resolves and checks the program and cwd; throws a ProtocolError the user can act on. */
export function resolveProgramPaths(program: string, cwd: string | undefined): { program: string; cwd: string } {
  const base = cwd && isAbsolute(cwd) ? cwd : resolve(cwd ?? '.');
  if (cwd !== undefined && !(existsSync(base) && statSync(base).isDirectory())) {
    throw new ProtocolError(ErrorCodes.cwdNotFound, `The working directory "${cwd}" does not exist.`);
  }
  const programPath = isAbsolute(program) ? program : resolve(base, program);
  if (!existsSync(programPath) || !statSync(programPath).isFile()) {
    throw new ProtocolError(ErrorCodes.programNotFound, `The program "${programPath}" does not exist.`);
  }
  return { program: programPath, cwd: cwd !== undefined ? base : dirname(programPath) };
}

export class RuntimeProcess {
  private readonly child: ChildProcess;
  private ended: ProcessEnd | undefined;

  private constructor(child: ChildProcess, events: RuntimeProcessEvents) {
    this.child = child;
    for (const [stream, category] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      // A decoder per stream keeps multi-byte characters split across chunks intact;
      // bytes that are not UTF-8 become U+FFFD instead of breaking the session.
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => {
        const text = decoder.write(chunk);
        if (text) events.output(category, text);
      });
      stream?.on('end', () => {
        const rest = decoder.end();
        if (rest) events.output(category, rest);
      });
    }
    // 'close' comes after both streams have ended, so no output follows the exit.
    child.on('close', (code, signal) => {
      this.ended = { code: code ?? 128 + (signal ? SIGNAL_NUMBERS[signal] ?? 0 : 0), signal };
      events.exit(this.ended);
    });
  }

  /** Spawns the runtime; resolves once the process is running, rejects if the interpreter cannot start. */
  static start(options: RuntimeProcessOptions, events: RuntimeProcessEvents): Promise<RuntimeProcess> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ PYTHONUNBUFFERED: '1', ...process.env, ...options.env })) {
      if (typeof v === 'string') env[k] = v;
    }
    const argv = [join(options.runtimeDir, 'asyncio_lens'), 'run', ...options.runtimeArgs, options.program, ...options.args];
    const child = spawn(options.python, argv, {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that ending the session also ends what the program started.
      detached: process.platform !== 'win32',
    });
    return new Promise((resolveStart, rejectStart) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        rejectStart(
          err.code === 'ENOENT'
            ? new ProtocolError(
                ErrorCodes.pythonNotFound,
                `Python interpreter "${options.python}" was not found. Set "python" in the launch configuration ` +
                  `or the "asyncioLens.python" setting to a Python 3.10 or newer.`,
              )
            : new ProtocolError(ErrorCodes.runtimeStartFailed, `Could not start "${options.python}": ${err.message}`),
        );
      });
      child.once('spawn', () => resolveStart(new RuntimeProcess(child, events)));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasEnded(): boolean {
    return this.ended !== undefined;
  }

  /** Ends the program and everything it started; escalates to SIGKILL if it lingers. */
  kill(graceMs = 2000): void {
    if (this.ended || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        if (process.platform === 'win32') this.child.kill(sig);
        else process.kill(-pid, sig);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    timer.unref();
    this.child.once('close', () => clearTimeout(timer));
  }
}
