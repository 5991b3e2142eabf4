import * as vscode from 'vscode';
import { currentFileConfiguration } from './debugConfiguration';
import { Views } from './ids';
import { runPythonInTerminal } from './terminal';

/**
 * The walkthrough's buttons. A snippet id is its path under `walkthroughs/`, e.g.
 * `01-coroutines/coroutines.py`; the learner works on a copy in a scratch folder, so the
 * shipped snippet stays pristine and edits survive between steps.
 */
export class SnippetRunner {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async open(id: string): Promise<vscode.TextEditor> {
    const copy = await this.scratchCopy(id);
    return vscode.window.showTextDocument(copy, { preview: false });
  }

  async run(id: string): Promise<vscode.Terminal> {
    return runPythonInTerminal(await this.scratchCopy(id), `asyncio: ${basenameOf(id)}`, this.log);
  }

  async debug(id: string): Promise<boolean> {
    const copy = await this.scratchCopy(id);
    const started = await vscode.debug.startDebugging(undefined, {
      ...currentFileConfiguration(copy.fsPath),
      name: `Asyncio Lens: ${basenameOf(id)}`,
    });
    if (started) await vscode.commands.executeCommand(`${Views.tasks}.focus`);
    return started;
  }

  /** Copies the snippet to the scratch folder unless the learner already has a copy there. */
  private async scratchCopy(id: string): Promise<vscode.Uri> {
    if (!/^[\w-]+\/[\w-]+\.py$/.test(id)) throw new Error(`Unknown snippet "${id}".`);
    const source = vscode.Uri.joinPath(this.context.extensionUri, 'walkthroughs', id);
    const target = vscode.Uri.joinPath(this.context.globalStorageUri, 'course', id);
    try {
      await vscode.workspace.fs.stat(target);
    } catch {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
      await vscode.workspace.fs.copy(source, target);
    }
    return target;
  }
}

function basenameOf(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}
