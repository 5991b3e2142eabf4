import * as vscode from 'vscode';
import { resolveInterpreter } from './interpreter';

/** Runs a Python file in a terminal of its own, with the configured interpreter, as `python file.py` would. */
export async function runPythonInTerminal(file: vscode.Uri, name: string, log: vscode.LogOutputChannel): Promise<vscode.Terminal> {
  if (!vscode.workspace.isTrusted) {
    throw new Error('Asyncio Lens does not run programs in an untrusted workspace, because that runs code from it. Trust the workspace first.');
  }
  const terminal = vscode.window.createTerminal({
    name,
    shellPath: await resolveInterpreter(file, log),
    shellArgs: [file.fsPath],
    cwd: vscode.Uri.joinPath(file, '..'),
  });
  terminal.show();
  return terminal;
}
