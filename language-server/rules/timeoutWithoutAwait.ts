// ALENS010: an asyncio.timeout() block with nothing to cancel: a timeout only fires at an await.
import { finding, type Finding } from '../analysis/finding';
import { headerOf, spellingsOf } from '../analysis/sourceFile';
import { t } from '../messages';
import { isAsyncStatement, maySuspend, withItems } from '../syntax/nodes';
import type { Rule } from './rule';

const TIMEOUT_CONTEXTS = new Set(['asyncio.timeout', 'asyncio.timeout_at']);

export const timeoutWithoutAwaitRule: Rule = {
  codes: ['ALENS010'],
  check(file) {
    const findings: Finding[] = [];
    const spellings = spellingsOf(file, TIMEOUT_CONTEXTS);
    for (const statement of file.withStatements) {
      const header = headerOf(file, statement);
      if (!header.startsWith('async') || !spellings.some((word) => header.includes(word)) || !isAsyncStatement(statement)) continue;
      const items = withItems(statement);
      const timeout = items.find(
        ({ value }) => value.type === 'call' && TIMEOUT_CONTEXTS.has(file.qualifiedName(value.childForFieldName('function')) ?? ''),
      );
      // Another async context manager in the same statement is itself a suspension point.
      if (!timeout || items.length > 1) continue;
      const body = statement.childForFieldName('body');
      if (!body || maySuspend(body)) continue;
      findings.push(
        finding(
          'ALENS010',
          timeout.value,
          t('Nothing in this {0}() block awaits, so the timeout can never interrupt it: the block runs to the end however long it takes.', timeout.value.childForFieldName('function')!.text),
        ),
      );
    }
    return findings;
  },
};
