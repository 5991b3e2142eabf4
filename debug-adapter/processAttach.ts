/**
 * Attach by process id (CPython 3.14+, PEP 768): the runtime's `attach PID --token-file FILE`
 * starts the agent inside a program that runs under plain python and writes where it listens.
 * This module runs that command and reads the file; it knows nothing of DAP or the connection.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ErrorCodes, ProtocolError } from './errors';

export interface ProcessAttachOptions {
  processId: number;
  /** The interpreter that runs the attach command: by default the target's own executable. */
  python?: string;
  runtimeDir: string;
}

export interface AgentAddress {
  host: string;
  port: number;
  token: string;
}

/** The target's own interpreter where the system tells it (Linux), since PEP 768 needs the same version. */
export function interpreterOf(processId: number): string | undefined {
  const exe = `/proc/${processId}/exe`;
  return process.platform === 'linux' && existsSync(exe) ? exe : undefined;
}

/** A running attach command; `address` settles when the agent listens, or with the reason it cannot. */
export class ProcessAttach {
  readonly address: Promise<AgentAddress>;
  private child: ReturnType<typeof spawn> | undefined;

  /** `progress` gets each line the command prints while it waits (e.g. for an idle program to run Python code). */
  constructor(options: ProcessAttachOptions, progress: (line: string) => void) {
    this.address = this.run(options, progress);
    this.address.catch(() => undefined);
  }

  private async run(options: ProcessAttachOptions, progress: (line: string) => void): Promise<AgentAddress> {
    const python = options.python ?? interpreterOf(options.processId) ?? (process.platform === 'win32' ? 'python' : 'python3');
    const work = mkdtempSync(join(tmpdir(), 'asyncio-lens-attach-'));
    const tokenFile = join(work, 'token');
    try {
      const lines: string[] = [];
      const child = spawn(python, [join(options.runtimeDir, 'asyncio_lens'), 'attach', String(options.processId), '--token-file', tokenFile], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      this.child = child;
      const decoder = new StringDecoder('utf8');
      let partial = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = partial + decoder.write(chunk);
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          const words = line.replace(/^asyncio-lens: /, '').trim();
          if (!words) continue;
          lines.push(words);
          progress(words);
        }
      });
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', (err: NodeJS.ErrnoException) =>
          reject(new ProtocolError(
            err.code === 'ENOENT' ? ErrorCodes.pythonNotFound : ErrorCodes.attachFailed,
            `Could not run "${python}" to attach to process ${options.processId}: ${err.message}`,
          )),
        );
        child.once('close', (status) => resolve(status));
      });
      if (partial.trim()) lines.push(partial.replace(/^asyncio-lens: /, '').trim());
      if (code !== 0) {
        const why = lines.filter((l) => !l.startsWith('usage:')).at(-1) ?? `the attach command ended with ${code === null ? 'a signal' : `exit code ${code}`}`;
        throw new ProtocolError(ErrorCodes.attachFailed, `Could not attach to process ${options.processId}: ${why}`);
      }
      const [token, where] = readFileSync(tokenFile, 'utf8').split('\n');
      const colon = where.lastIndexOf(':');
      return { token: token.trim(), host: where.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(where.slice(colon + 1)) };
    } finally {
      this.child = undefined;
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Gives up waiting (the runtime leaves a mark so that a late attach script does nothing). */
  cancel(): void {
    this.child?.kill('SIGINT');
  }
}
