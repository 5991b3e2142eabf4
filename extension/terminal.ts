import * as vscode from 'vscode';
import { resolveInterpreter } from './interpreter';
import { shellCommand, shellKind } from './model/shellCommand';

/**
 * Runs a Python file the way the Python extension's "Run Python File" does: `python file.py` typed into
 * a shell terminal (one per name, reused), so the program has a real terminal (input(), colours,
 * Ctrl+C) and its output stays on screen after it ends.
 */
export async function runPythonInTerminal(file: vscode.Uri, name: string, log: vscode.LogOutputChannel): Promise<vscode.Terminal> {
  if (!vscode.workspace.isTrusted) {
    throw new Error('Asyncio Lens does not run programs in an untrusted workspace, because that runs code from it. Trust the workspace first.');
  }
  const python = await resolveInterpreter(file, log);
  const folder = vscode.Uri.joinPath(file, '..');
  const terminal =
    vscode.window.terminals.find((t) => t.name === name && t.exitStatus === undefined) ??
    vscode.window.createTerminal({ name, cwd: folder });
  terminal.show();
  const command = shellCommand(shellKind(vscode.env.shell), [python, file.fsPath]);
  log.info(`Run: ${command}`);
  terminal.sendText(command, true);
  return terminal;
}
