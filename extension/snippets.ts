import * as vscode from 'vscode';
import { currentFileConfiguration } from './debugConfiguration';
import { Views } from './ids';
import { isSnippetId, SNIPPET_STOP_MARKER, triedContextKey } from './model/snippetIds';
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
    const terminal = await runPythonInTerminal(await this.scratchCopy(id), `asyncio: ${basenameOf(id)}`, this.log);
    await markTried(id);
    return terminal;
  }

  async debug(id: string): Promise<boolean> {
    const copy = await this.scratchCopy(id);
    await markTried(id);
    const started = await vscode.debug.startDebugging(undefined, {
      ...currentFileConfiguration(copy.fsPath),
      name: `Asyncio Lens: ${basenameOf(id)}`,
      stopAtMarker: SNIPPET_STOP_MARKER,
    });
    if (started) await vscode.commands.executeCommand(`${Views.tasks}.focus`);
    return started;
  }

  /** Copies the snippet to the scratch folder unless the learner already has a copy there. */
  private async scratchCopy(id: string): Promise<vscode.Uri> {
    if (!isSnippetId(id)) throw new Error(`Unknown snippet "${id}".`);
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

/** Completes the snippet's walkthrough step (its completion event is this context key). */
async function markTried(id: string): Promise<void> {
  await vscode.commands.executeCommand('setContext', triedContextKey(id), true);
}

function basenameOf(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}
