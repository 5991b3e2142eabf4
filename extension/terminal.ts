import { ChildProcess, spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { resolveInterpreter } from './interpreter';

const l10n = vscode.l10n;

/**
 * Runs a Python file in a terminal of its own, with the configured interpreter, as `python file.py` would.
 * The terminal stays open after the program ends, so its output can be read (a terminal whose own
 * process exits with 0 closes at once).
 */
export async function runPythonInTerminal(file: vscode.Uri, name: string, log: vscode.LogOutputChannel): Promise<vscode.Terminal> {
  if (!vscode.workspace.isTrusted) {
    throw new Error('Asyncio Lens does not run programs in an untrusted workspace, because that runs code from it. Trust the workspace first.');
  }
  const python = await resolveInterpreter(file, log);
  const terminal = vscode.window.createTerminal({
    name,
    pty: new ProgramTerminal(python, [file.fsPath], vscode.Uri.joinPath(file, '..').fsPath),
  });
  terminal.show();
  return terminal;
}

/** A program in place of a shell: its output as it comes, then its exit code until a key closes the terminal. */
class ProgramTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.written.event;
  readonly onDidClose = this.closed.event;
  private child: ChildProcess | undefined;
  private exitCode: number | undefined;

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly cwd: string,
  ) {}

  open(): void {
    this.write(dim([this.command, ...this.args].map(quoteForDisplay).join(' ')) + '\n');
    // Unbuffered: without a real terminal Python would hold its output until the end.
    const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
    const child = spawn(this.command, this.args, { cwd: this.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => this.write(decoder.write(chunk)));
    }
    child.on('error', (err) => {
      this.write(l10n.t('Could not start {0}: {1}', this.command, err.message) + '\n');
      this.finish(1);
    });
    child.on('close', (code, signal) => this.finish(code ?? 1, signal ?? undefined));
  }

  handleInput(data: string): void {
    if (this.exitCode !== undefined) this.closed.fire(this.exitCode);
    else if (data === '\x03') this.child?.kill('SIGINT'); // Ctrl+C interrupts the program, as in a shell
  }

  close(): void {
    if (this.exitCode === undefined) this.child?.kill();
  }

  private finish(code: number, signal?: string): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    const end = signal ? l10n.t('Ended by {0}.', signal) : l10n.t('Exited with code {0}.', code);
    this.write(`\n${dim(`${end} ${l10n.t('Press any key to close the terminal.')}`)}\n`);
  }

  private write(text: string): void {
    this.written.fire(text.replace(/\r?\n/g, '\r\n'));
  }
}

function dim(text: string): string {
  return `\x1b[2m${text}\x1b[0m`;
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}
