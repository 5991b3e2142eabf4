/**
 * What a task waits on, in words: the one wording that the Async Tasks view and the Call Stack's
 * task threads both show ("sleep, 4.2 s left", "Queue.get (0/10)", "Lock held by 'writer'",
 * "task 'fetch-3'", "thread 'asyncio_0' in blocking()"). Times are computed here, from the wait's
 * epoch deadlines and the `now` the caller renders at, so a countdown is right whenever it is shown.
 * Pure: strings go through `@vscode/l10n` (the extension loads VS Code's bundle into it; English elsewhere).
 */
import * as l10n from '@vscode/l10n';
import type { TaskInfo, WaitingOn } from './agentProtocol';

/** Looks up a task's name by id (live or finished); undefined when unknown. */
export type NameOf = (id: number) => string | undefined;

export function taskRef(id: number | undefined, nameOf: NameOf): string {
  if (id === undefined) return '?';
  const name = nameOf(id);
  return name === undefined ? `#${id}` : `'${name}'`;
}

export function tasksCount(n: number): string {
  return n === 1 ? l10n.t('1 task') : l10n.t('{0} tasks', n);
}

/** A time left: "4.2 s" under 10 s, then "59 s", "9 min 58 s", "2 h 5 min". */
export function leftText(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 10) return l10n.t('{0} s', (Math.floor(s * 10) / 10).toFixed(1));
  if (s < 60) return l10n.t('{0} s', Math.floor(s));
  if (s < 3600) return l10n.t('{0} min {1} s', Math.floor(s / 60), Math.floor(s % 60));
  return l10n.t('{0} h {1} min', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}

/** What a task waits on at `now` (epoch seconds); "running", or empty for a task that waits on nothing. */
export function waitWords(task: TaskInfo, nameOf: NameOf = () => undefined, now = Date.now() / 1000): string {
  if (task.state === 'running') return l10n.t('running');
  const wait = task.waiting_on;
  if (!wait || task.state !== 'pending') return '';
  if (wait.kind === 'runnable') return l10n.t('ready to run');
  if (wait.kind === 'timeout') return l10n.t('timeout in {0}', leftText((wait.timeout ?? wait.deadline ?? now) - now));
  const words = kindWords(wait, nameOf, now);
  return wait.timeout === undefined ? words : l10n.t('{0}, timeout in {1}', words, leftText(wait.timeout - now));
}

function kindWords(wait: WaitingOn, nameOf: NameOf, now: number): string {
  const detail = wait.detail ?? '';
  const ids = wait.tasks ?? [];
  const kind = wait.kind;
  if (kind === 'sleep') {
    // `deadline` is the sleep's own end unless its timeout comes first.
    const end = wait.deadline !== undefined && (wait.timeout === undefined || wait.deadline < wait.timeout) ? wait.deadline : undefined;
    if (end === undefined) return l10n.t('sleep');
    // Overdue: the loop is late to wake it (blocked, or busy); a few ms of that is just the moment of looking.
    return end > now - 0.1 ? l10n.t('sleep, {0} left', leftText(end - now)) : l10n.t('sleep, {0} overdue', leftText(now - end));
  }
  if (kind.startsWith('queue.')) {
    const op = kind.slice('queue.'.length);
    if (op === 'join') return detail ? `Queue.join (${detail})` : 'Queue.join';
    // The runtime says "0/10" for a Queue, "LifoQueue 2/∞" for a subclass.
    const m = /^(?:(\w+) )?(\d+\/\S+)$/.exec(detail);
    const cls = m?.[1] || 'Queue';
    return m ? `${cls}.${op} (${m[2]})` : `${cls}.${op}`;
  }
  if (kind === 'lock' || kind === 'semaphore') {
    const cls = kind === 'lock' ? 'Lock' : 'Semaphore';
    const holder = wait.holder ?? (kind === 'lock' ? ids[0] : undefined);
    if (typeof holder === 'number') return l10n.t('{0} held by {1}', cls, taskRef(holder, nameOf));
    return `${cls}.acquire`;
  }
  if (kind === 'event') return 'Event.wait';
  if (kind === 'condition') return 'Condition.wait';
  if (kind === 'barrier') {
    const m = /^(\d+\/\d+) arrived$/.exec(detail);
    return m ? l10n.t('Barrier.wait ({0} arrived)', m[1]) : 'Barrier.wait';
  }
  if (kind === 'task') return l10n.t('task {0}', taskRef(ids[0], nameOf));
  if (kind === 'taskgroup') return l10n.t('TaskGroup ({0})', tasksCount(ids.length));
  if (kind === 'gather') {
    const m = /^(\d+\/\d+) done/.exec(detail);
    return m ? l10n.t('gather ({0} done)', m[1]) : 'gather';
  }
  if (kind === 'wait') return l10n.t('wait ({0})', tasksCount(ids.length));
  if (kind === 'wait_for') return ids.length ? l10n.t('wait_for task {0}', taskRef(ids[0], nameOf)) : 'wait_for';
  if (kind === 'shield') return ids.length ? l10n.t('shield around task {0}', taskRef(ids[0], nameOf)) : 'shield';
  if (kind === 'as_completed') return detail ? `as_completed (${detail})` : 'as_completed';
  if (kind === 'thread') return threadWords(wait);
  if (kind === 'stream.read') return 'StreamReader.read';
  if (kind === 'stream.drain') return 'StreamWriter.drain';
  if (kind === 'future') return l10n.t('future {0}', detail).trim();
  return detail ? `${kind} ${detail}` : kind;
}

function threadWords(wait: WaitingOn): string {
  const thread = wait.thread;
  const work = wait.work ? `${wait.work}()` : undefined;
  switch (wait.work_state) {
    case 'queued':
      return work ? l10n.t('{0} queued for a worker thread', work) : l10n.t('queued for a worker thread');
    case 'done':
      if (thread) return work ? l10n.t("thread '{0}' finished {1}", thread, work) : l10n.t("thread '{0}' finished", thread);
      return work ? l10n.t('thread finished {0}', work) : l10n.t('thread finished');
    default:
      if (thread) return work ? l10n.t("thread '{0}' in {1}", thread, work) : l10n.t("thread '{0}'", thread);
      return work ? l10n.t('thread in {0}', work) : l10n.t('thread');
  }
}
