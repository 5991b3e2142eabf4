import * as vscode from 'vscode';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { parseCmdline, pythonProcesses } from './model/pythonProcesses';

/** `${command:pickProcess}`: a quick pick of the running Python processes; the chosen id as a string. */
export async function pickPythonProcess(): Promise<string | undefined> {
  if (process.platform !== 'linux') {
    throw new Error(vscode.l10n.t('Picking a process needs Linux; give "processId" in the launch configuration.'));
  }
  const entries = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = parseCmdline(readFileSync(`/proc/${name}/cmdline`, 'utf8'));
      let exe: string | undefined;
      try {
        exe = readlinkSync(`/proc/${name}/exe`);
      } catch {
        exe = undefined; // another user's process
      }
      entries.push({ pid: Number(name), exe, argv });
    } catch {
      // The process ended meanwhile.
    }
  }
  const items = pythonProcesses(entries, new Set([process.pid])).map((p) => ({ label: String(p.pid), description: p.command }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No Python process is running.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: vscode.l10n.t('Python process to attach to (CPython 3.14+, same user)'),
    matchOnDescription: true,
  });
  return picked?.label;
}
