import * as vscode from 'vscode';
import { Views } from './ids';
import { ageText, blockedWords, tasksCount } from './model/words';
import { TasksViewProvider } from './tasksView';

const l10n = vscode.l10n;

/**
 * "N tasks" in the status bar while an Asyncio Lens session runs, with the event loop's health;
 * a warning look while the loop is blocked. A click reveals the Async Tasks view.
 */
export function createTasksStatusBar(tasks: TasksViewProvider): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('asyncioLens.tasks', vscode.StatusBarAlignment.Left, 50);
  item.name = l10n.t('Asyncio Lens Tasks');
  item.command = `${Views.tasks}.focus`;
  let ticking: ReturnType<typeof setInterval> | undefined;
  const update = () => {
    const entry = tasks.activeEntry();
    if (!entry) {
      item.hide();
      if (ticking) clearInterval(ticking);
      ticking = undefined;
      return;
    }
    // The same words as the Async Tasks view's title.
    const counted = tasksCount(entry.model.size);
    const blocked = entry.model.blocked;
    const now = tasks.now(entry);
    const tooltip = new vscode.MarkdownString();
    tooltip.supportThemeIcons = true;
    if (blocked) {
      item.text = `$(warning) ${counted} · ${l10n.t('loop blocked {0}', ageText(Math.max(0, now - blocked.since)))}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendMarkdown(`$(warning) ${blockedWords(blocked, now, entry.model.nameOf)}`);
      const top = blocked.stack[blocked.stack.length - 1];
      if (top) tooltip.appendMarkdown(`  \n${l10n.t('The loop thread is at {0}', `\`${top.name}\` ${top.file}:${top.line}`)}`);
      if (!ticking) ticking = setInterval(update, 500);
    } else {
      item.text = `$(list-tree) ${counted}`;
      item.backgroundColor = undefined;
      tooltip.appendMarkdown(entry.paused ? l10n.t('The program is paused.') : l10n.t('Event loop: healthy.'));
      if (ticking) clearInterval(ticking);
      ticking = undefined;
    }
    const warnings = entry.model.warnings.length;
    if (warnings) tooltip.appendMarkdown(`  \n${l10n.t('{0} warnings in the Async Tasks view.', warnings)}`);
    tooltip.appendMarkdown(`  \n${l10n.t('Live asyncio tasks of the debugged program. Click to show them.')}`);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: blocked ? l10n.t('{0}, event loop blocked', counted) : counted };
    item.show();
  };
  const subscriptions = [tasks.onDidChange(update), tasks.onDidChangePaused(update)];
  update();
  return vscode.Disposable.from(item, ...subscriptions, { dispose: () => ticking && clearInterval(ticking) });
}
