/**
 * What the Async Tasks view says about a task, in words: its state, what it waits on (worded by
 * debug-adapter/waitWords, which the Call Stack uses too), its age, its cancellation, and the
 * markdown of its tooltip. Pure: imports nothing from `vscode`.
 * Strings go through `@vscode/l10n` (the extension loads VS Code's bundle into it at activation),
 * so the same code speaks English in vitest and Russian in a Russian VS Code.
 */
import * as l10n from '@vscode/l10n';
import type { CancelInfo, ChainFrame, LoopBlocked, SourceLocation, TaskInfo } from '../../debug-adapter/agentProtocol';
// What a task waits on is worded in one place, shared with the Call Stack's task threads.
import { leftText, NameOf, taskRef, tasksCount, waitWords } from '../../debug-adapter/waitWords';

/** The row states the view tells apart, each with its own codicon. */
export type RowState = 'running' | 'waiting' | 'ready' | 'cancelling' | 'cancelled' | 'failed' | 'done';

/** Codicon id and optional theme color id per row state. */
export const STATE_ICONS: Record<RowState, { icon: string; color?: string }> = {
  running: { icon: 'play-circle', color: 'debugIcon.startForeground' },
  waiting: { icon: 'watch' },
  ready: { icon: 'circle-large-outline' },
  cancelling: { icon: 'circle-slash', color: 'list.warningForeground' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
  failed: { icon: 'error', color: 'errorForeground' },
  done: { icon: 'pass', color: 'testing.iconPassed' },
};

/** Frames of asyncio itself, which say nothing about where the user's code waits. */
const ASYNCIO_FRAME = /[\\/][Ll]ib[\\/](?:python3\.\d+[\\/])?asyncio[\\/]/;

export function isAsyncioFrame(frame: SourceLocation): boolean {
  return ASYNCIO_FRAME.test(frame.file);
}

export function rowState(task: TaskInfo): RowState {
  switch (task.state) {
    case 'running':
      return 'running';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      if (task.cancel) return 'cancelling';
      return task.waiting_on?.kind === 'runnable' ? 'ready' : 'waiting';
  }
}

export function stateWord(state: RowState): string {
  switch (state) {
    case 'running': return l10n.t('running');
    case 'waiting': return l10n.t('waiting');
    case 'ready': return l10n.t('ready to run');
    case 'cancelling': return l10n.t('cancelling');
    case 'cancelled': return l10n.t('cancelled');
    case 'failed': return l10n.t('failed');
    case 'done': return l10n.t('done');
  }
}

export function basename(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return file.slice(cut + 1);
}

/** The innermost frame of the user's own code in a suspended task's await chain. */
export function whereSuspended(task: TaskInfo): ChainFrame | undefined {
  for (let i = task.chain.length - 1; i >= 0; i--) {
    if (!isAsyncioFrame(task.chain[i])) return task.chain[i];
  }
  return task.chain[task.chain.length - 1];
}

export { leftText, taskRef, tasksCount, waitWords };
export type { NameOf };

/** A short age: "0.4 s", "12 s", "3 min", "2 h". */
export function ageText(seconds: number): string {
  if (!(seconds >= 0)) return '';
  if (seconds < 10) return l10n.t('{0} s', (Math.floor(seconds * 10) / 10).toFixed(1));
  if (seconds < 60) return l10n.t('{0} s', Math.floor(seconds));
  if (seconds < 3600) return l10n.t('{0} min', Math.floor(seconds / 60));
  return l10n.t('{0} h', Math.floor(seconds / 3600));
}

/** The age shown for a task at `now` (epoch seconds); empty when the runtime did not say when it was created. */
export function taskAge(task: TaskInfo, now: number): string {
  if (typeof task.created !== 'number') return '';
  const end = typeof task.finished === 'number' ? task.finished : now;
  return ageText(Math.max(0, end - task.created));
}

/** Cancellation at a glance: "cancel ×2", "shielded". */
export function cancelMarks(task: TaskInfo): string[] {
  const marks: string[] = [];
  if (task.cancel && (task.state === 'pending' || task.state === 'running')) marks.push(l10n.t('cancel ×{0}', Math.max(1, task.cancel.count)));
  if (task.shielded) marks.push(l10n.t('shielded'));
  return marks;
}

/** The text beside a live task's name: what it waits on, cancellation marks, age. */
export function describeTask(task: TaskInfo, nameOf: NameOf = () => undefined, now?: number): string {
  const parts: string[] = [];
  const words = waitWords(task, nameOf, now);
  if (words) parts.push(words);
  else if (task.state !== 'pending') parts.push(stateWord(rowState(task)));
  parts.push(...cancelMarks(task));
  if (now !== undefined) {
    const age = taskAge(task, now);
    if (age) parts.push(age);
  }
  return parts.join(' · ');
}

/** The text beside a finished task in the history: how it ended and how long it lived. */
export function describeFinished(task: TaskInfo): string {
  const parts = [stateWord(rowState(task))];
  if (task.exception) parts.push(truncate(task.exception, 80));
  if (task.state === 'cancelled' && task.cancel?.message) parts.push(`“${truncate(task.cancel.message, 40)}”`);
  if (typeof task.created === 'number' && typeof task.finished === 'number') parts.push(l10n.t('lived {0}', ageText(task.finished - task.created)));
  return parts.join(' · ');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function site(loc: SourceLocation): string {
  return `${basename(loc.file)}:${loc.line}`;
}

function viaWords(via: string): string {
  switch (via) {
    case 'user': return l10n.t('a cancel() call');
    case 'taskgroup': return l10n.t('its TaskGroup aborting');
    case 'timeout': return l10n.t('a timeout');
    case 'gather': return l10n.t('gather');
    case 'wait_for': return l10n.t('wait_for');
    case 'parent': return l10n.t('its parent being cancelled');
    case 'debugger': return l10n.t('the debugger');
    case 'unseen': return l10n.t('a request made before Asyncio Lens attached');
    default: return via;
  }
}

export function cancelDetails(cancel: CancelInfo, nameOf: NameOf): string[] {
  const lines = [l10n.t('Cancel requested ({0}×) by {1} via {2}', Math.max(1, cancel.count),
    cancel.by_task == null ? l10n.t('no task') : l10n.t('task {0}', taskRef(cancel.by_task, nameOf)), viaWords(cancel.via))];
  if (cancel.site) lines.push(l10n.t('Requested at {0}', `\`${site(cancel.site)}\``));
  if (cancel.message) lines.push(l10n.t('Message: {0}', `\`${cancel.message.replace(/`/g, "'")}\``));
  return lines;
}

/** Markdown details for a task's tooltip. */
export function taskTooltip(task: TaskInfo, nameOf: NameOf = () => undefined, now?: number): string {
  const state = stateWord(rowState(task));
  const lines = [`**${escapeMarkdown(task.name)}** — \`${task.coro}\` (${state})`, ''];
  const words = waitWords(task, nameOf, now);
  if (words && task.state === 'pending') lines.push(l10n.t('Waiting on: {0}', escapeMarkdown(words)));
  if (task.created_at) lines.push(l10n.t('Created at {0}', `\`${site(task.created_at)}\``));
  if (task.parent !== null) lines.push(l10n.t('Created by task {0}', escapeMarkdown(taskRef(task.parent, nameOf))));
  if (now !== undefined && typeof task.created === 'number') lines.push(l10n.t('Age: {0}', taskAge(task, now)));
  if (typeof task.steps === 'number') {
    const busy = typeof task.busy_ms === 'number' ? task.busy_ms.toFixed(1) : '?';
    lines.push(l10n.t('Steps: {0}, busy {1} ms', task.steps, busy));
  }
  if (task.shielded) lines.push(l10n.t('Runs behind asyncio.shield()'));
  if (task.cancel) lines.push(...cancelDetails(task.cancel, nameOf));
  if (task.exception) lines.push(l10n.t('Exception: {0}', `\`${task.exception.replace(/`/g, "'")}\``));
  if (task.awaited_by.length) lines.push(l10n.t('Awaited by {0}', escapeMarkdown(task.awaited_by.map((id) => taskRef(id, nameOf)).join(', '))));
  if (task.chain.length) {
    lines.push('', l10n.t('Await chain:'));
    for (const frame of task.chain) lines.push(`- \`${frame.name}\` ${escapeMarkdown(site(frame))}`);
  }
  return lines.join('  \n').replace(/ {2}\n {2}\n/g, '\n\n');
}

/** The await chain as plain text, for the clipboard. */
export function chainText(task: TaskInfo): string {
  const head = `Task '${task.name}' (${task.coro}) ${task.state}`;
  return [head, ...task.chain.map((f) => `  ${f.name} at ${f.file}:${f.line}`)].join('\n');
}

export function blockedWords(blocked: LoopBlocked, now: number, nameOf: NameOf): string {
  const secs = Math.max(0, now - blocked.since);
  return blocked.task == null
    ? l10n.t('Event loop blocked for {0}', ageText(secs))
    : l10n.t('Event loop blocked for {0} by task {1}', ageText(secs), taskRef(blocked.task, nameOf));
}
