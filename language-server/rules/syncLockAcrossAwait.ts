// ALENS015: a thread lock (threading.Lock, RLock, Semaphore, Condition…) held with `with` across an await.
import { finding, type Finding } from '../analysis/finding';
import type { SourceFile } from '../analysis/sourceFile';
import { THREAD_LOCKS } from '../analysis/types/stubs';
import { t } from '../messages';
import { isAsyncStatement, isInCoroutine, maySuspend, withItems } from '../syntax/nodes';
import type { Rule } from './rule';
import type { Node } from 'web-tree-sitter';

const LOCK_NAME = /lock|mutex|sem|cond|guard/i;

export const syncLockAcrossAwaitRule: Rule = {
  codes: ['ALENS015'],
  check(file) {
    const findings: Finding[] = [];
    const importsLocks = [...file.imports.values()].some((name) => /^(threading|multiprocessing)(\.|$)/.test(name));
    for (const statement of file.withStatements) {
      if (isAsyncStatement(statement) || !isInCoroutine(statement)) continue;
      const body = statement.childForFieldName('body');
      if (!body || !maySuspend(body)) continue;
      for (const { value } of withItems(statement)) {
        // Type inference is asked only where a lock is likely: the file imports threading, or the name says so.
        if (!importsLocks && !LOCK_NAME.test(value.text)) continue;
        const lock = threadLockOf(file, value);
        if (!lock) continue;
        findings.push(
          finding(
            'ALENS015',
            value,
            t('{0} is a {1}, held here across an await: while this task waits, threads wait for the whole await, and another task of this event loop that takes it blocks the loop for good (a deadlock). Between tasks use asyncio.Lock; or release it before awaiting.', value.text, lock),
          ),
        );
      }
    }
    return findings;
  },
};

/** The thread lock class a `with` item holds (`threading.Lock()`, or a name or attribute of that type), if it is one. */
function threadLockOf(file: SourceFile, value: Node): string | undefined {
  if (value.type === 'call') {
    const made = file.qualifiedName(value.childForFieldName('function'));
    return made && THREAD_LOCKS.has(made) ? made : undefined;
  }
  if (value.type !== 'identifier' && value.type !== 'attribute') return undefined;
  const classes = file.types.classesOf(file.types.typeOf(value));
  return classes && classes.length > 0 && classes.every((name) => THREAD_LOCKS.has(name)) ? [...new Set(classes)].join(' | ') : undefined;
}
