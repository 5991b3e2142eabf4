// ALENS009: `while …: await asyncio.sleep(…)` polls a condition; an asyncio.Event wakes the waiter exactly when it changes.
import { finding, type Finding } from '../analysis/finding';
import { t } from '../messages';
import { namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const ALWAYS_TRUE = /^(True|1)$/;

export const busyWaitRule: Rule = {
  codes: ['ALENS009'],
  check(file) {
    const findings: Finding[] = [];
    for (const loop of file.whileStatements) {
      const statements = namedChildrenOf(loop.childForFieldName('body') ?? loop);
      // Like flake8-async's ASYNC110: the loop body is only the sleep (a `pass` may keep it company).
      const meaningful = statements.filter((statement) => statement.type !== 'pass_statement');
      if (meaningful.length !== 1 || meaningful[0].type !== 'expression_statement') continue;
      const awaited = meaningful[0].firstNamedChild;
      const call = awaited?.type === 'await' ? awaited.firstNamedChild : null;
      if (call?.type !== 'call' || file.qualifiedName(call.childForFieldName('function')) !== 'asyncio.sleep') continue;
      const condition = loop.childForFieldName('condition');
      // `while True: await asyncio.sleep(3600)` sleeps forever on purpose: nothing is polled.
      if (condition && ALWAYS_TRUE.test(condition.text)) continue;
      findings.push(
        finding(
          'ALENS009',
          condition ?? loop,
          t('This loop polls with await asyncio.sleep(): wait on an asyncio.Event (or Condition) that is set when the state changes instead.'),
        ),
      );
    }
    return findings;
  },
};
