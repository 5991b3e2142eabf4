/**
 * While the program is paused, the editor shows where the other tasks are suspended: an
 * after-text hint "3 tasks wait here" at the end of each await line they wait on.
 */
import * as vscode from 'vscode';
import type { TaskInfo } from '../debug-adapter/agentProtocol';
import { whereSuspended } from './model/words';
import { TasksViewProvider } from './tasksView';

const l10n = vscode.l10n;

/** file → line (1-based) → tasks suspended there. Pure. */
export function suspendedSites(tasks: Iterable<TaskInfo>): Map<string, Map<number, TaskInfo[]>> {
  const out = new Map<string, Map<number, TaskInfo[]>>();
  for (const task of tasks) {
    if (task.state !== 'pending') continue;
    const where = whereSuspended(task);
    if (!where) continue;
    let lines = out.get(where.file);
    if (!lines) out.set(where.file, (lines = new Map()));
    const list = lines.get(where.line);
    if (list) list.push(task);
    else lines.set(where.line, [task]);
  }
  return out;
}

export function createPausedHints(tasks: TasksViewProvider): vscode.Disposable {
  const decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  let sites = new Map<string, Map<number, TaskInfo[]>>();
  const paint = (editor: vscode.TextEditor) => {
    const lines = sites.get(editor.document.uri.fsPath);
    if (!lines) {
      editor.setDecorations(decoration, []);
      return;
    }
    const options: vscode.DecorationOptions[] = [];
    for (const [line, list] of lines) {
      if (line < 1 || line > editor.document.lineCount) continue;
      const end = editor.document.lineAt(line - 1).range.end;
      // Words only: an after-text cannot show a codicon, and a glyph the editor font lacks is a box.
      const text = list.length === 1 ? l10n.t("task '{0}' waits here", list[0].name) : l10n.t('{0} tasks wait here', list.length);
      const hover = new vscode.MarkdownString(list.slice(0, 20).map((t) => `- **${t.name.replace(/[\\`*_[\]]/g, '\\$&')}** (\`${t.coro}\`)`).join('\n'));
      options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } }, hoverMessage: hover });
    }
    editor.setDecorations(decoration, options);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const entry = tasks.activeEntry();
      sites = entry?.paused ? suspendedSites(entry.model.liveTasks()) : new Map();
      for (const editor of vscode.window.visibleTextEditors) paint(editor);
    }, 50);
  };
  return vscode.Disposable.from(
    decoration,
    tasks.onDidChangePaused(update),
    tasks.onDidChange(() => {
      if (tasks.isPaused() || sites.size) update();
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(paint)),
    { dispose: () => timer && clearTimeout(timer) },
  );
}
