// ALENS009: a loop that polls a condition with sleep(); an Event wakes the waiter exactly when it changes.
import type { Node } from 'web-tree-sitter';
import { finding, type Finding } from '../analysis/finding';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { maySuspend, namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const ALWAYS_TRUE = /^(True|1)$/;
/** Sleep functions by library, and the library's Event to wait on instead. */
const SLEEPS = new Map([
  ['asyncio.sleep', 'asyncio.Event'],
  ['anyio.sleep', 'anyio.Event'],
  ['trio.sleep', 'trio.Event'],
]);

export const busyWaitRule: Rule = {
  codes: ['ALENS009'],
  check(file) {
    const findings: Finding[] = [];
    for (const loop of file.whileStatements) {
      const polled = pollingLoop(file, loop);
      if (!polled) continue;
      findings.push(
        finding('ALENS009', polled.condition, t('This loop polls with await {0}(): wait on an event ({1}, or a Condition) that is set when the state changes instead.', polled.sleep, polled.event)),
      );
    }
    return findings;
  },
};

/**
 * Like flake8-async's ASYNC110: a loop whose body only sleeps (a `pass` may keep it company), or only sleeps and
 * leaves when a condition holds (`if self.done: break`). `while True:` that only sleeps polls nothing: it sleeps
 * until cancelled, on purpose.
 */
function pollingLoop(file: SourceFile, loop: Node): { condition: Node; sleep: string; event: string } | undefined {
  const statements = namedChildrenOf(loop.childForFieldName('body') ?? loop).filter((statement) => statement.type !== 'pass_statement');
  const sleeps = statements.filter((statement) => sleepCalled(file, statement) !== undefined);
  if (sleeps.length !== 1) return undefined;
  const exits = statements.filter((statement) => statement !== sleeps[0]);
  if (!exits.every(isExitTest)) return undefined;
  const sleep = sleepCalled(file, sleeps[0])!;
  const loopCondition = loop.childForFieldName('condition');
  const forever = !loopCondition || ALWAYS_TRUE.test(loopCondition.text);
  if (forever && exits.length === 0) return undefined;
  const condition = forever ? exits[0].childForFieldName('condition')! : loopCondition;
  return { condition, sleep, event: SLEEPS.get(sleep)! };
}

/** The qualified sleep function a statement awaits, when the statement is only `await <sleep>(...)`. */
function sleepCalled(file: SourceFile, statement: Node): string | undefined {
  if (statement.type !== 'expression_statement') return undefined;
  const awaited = statement.firstNamedChild;
  const call = awaited?.type === 'await' ? awaited.firstNamedChild : null;
  if (call?.type !== 'call') return undefined;
  const name = file.qualifiedName(call.childForFieldName('function'));
  return name !== undefined && SLEEPS.has(name) ? name : undefined;
}

/** `if <condition>: break` (or `return`), with no else and nothing awaited in the test. */
function isExitTest(statement: Node): boolean {
  if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) return false;
  const condition = statement.childForFieldName('condition');
  const body = namedChildrenOf(statement.childForFieldName('consequence') ?? statement);
  if (!condition || maySuspend(condition) || body.length !== 1) return false;
  return body[0].type === 'break_statement' || (body[0].type === 'return_statement' && !maySuspend(body[0]));
}
