// ALENS010: a timeout with nothing to cancel: asyncio.timeout() around a block, or wait_for() around a coroutine of
// this file, that never awaits. A timeout only fires at an await.
import type { Node } from 'web-tree-sitter';
import { CoroutineIndex } from '../analysis/coroutines';
import { finding, type Finding } from '../analysis/finding';
import { headerOf, spellingsOf, type SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { isAsyncStatement, maySuspend, namedChildrenOf, withItems } from '../syntax/nodes';
import type { Rule } from './rule';

const TIMEOUT_CONTEXTS = new Set(['asyncio.timeout', 'asyncio.timeout_at']);

export const timeoutWithoutAwaitRule: Rule = {
  codes: ['ALENS010'],
  check(file) {
    return [...timeoutBlocks(file), ...waitForCalls(file)];
  },
};

function timeoutBlocks(file: SourceFile): Finding[] {
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
    // `timeout(None)` has no deadline: nothing to fire.
    const [delay] = callArguments(timeout.value, [file.qualifiedName(timeout.value.childForFieldName('function')) === 'asyncio.timeout_at' ? 'when' : 'delay']);
    if (delay?.type === 'none') continue;
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
}

/** `wait_for(work(), 5)` where `work` is an `async def` of this file with no await, `async for` or `async with`. */
function waitForCalls(file: SourceFile): Finding[] {
  const findings: Finding[] = [];
  let coroutines: CoroutineIndex | undefined;
  for (const { node: call, qualified } of file.calls) {
    if (qualified !== 'asyncio.wait_for') continue;
    const [awaited, timeout] = callArguments(call);
    const site = awaited?.type === 'call' ? file.calls.find((candidate) => candidate.node.equals(awaited)) : undefined;
    if (!site || !timeout || !isPositiveDelay(timeout)) continue;
    coroutines ??= new CoroutineIndex(file);
    const definition = coroutines.localCoroutineDefinition(site);
    const body = definition?.childForFieldName('body');
    if (!body || maySuspend(body) || isStub(body)) continue;
    findings.push(
      finding(
        'ALENS010',
        call,
        t('{0}() never awaits, so wait_for() cannot interrupt it: once it starts it runs to the end however long it takes, and the timeout never fires.', site.calleeName!),
      ),
    );
  }
  return findings;
}

/** The awaitable and the timeout of a wait_for() call, given by position or keyword. */
function callArguments(call: Node, names = ['fut', 'timeout']): [Node | undefined, Node | undefined] {
  const args = namedChildrenOf(call.childForFieldName('arguments') ?? call);
  const positional = args.filter((arg) => arg.type !== 'keyword_argument');
  const keyword = (name: string) => args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
  return [positional[0] ?? keyword(names[0]), positional[1] ?? keyword(names[1])];
}

/**
 * False for `None` (no deadline at all) and a literal of 0 or less: wait_for() then raises TimeoutError before the
 * coroutine starts, which it can do without an await.
 */
function isPositiveDelay(timeout: Node): boolean {
  if (timeout.type === 'none') return false;
  const number = timeout.type === 'unary_operator' || timeout.type === 'integer' || timeout.type === 'float' ? Number(timeout.text.replace(/_/g, '')) : NaN;
  return !(number <= 0);
}

/** A body of only a docstring, `pass`, `...` or `raise`: a placeholder, not code that could run long. */
function isStub(body: Node): boolean {
  return namedChildrenOf(body).every(
    (statement) =>
      statement.type === 'pass_statement' ||
      statement.type === 'raise_statement' ||
      (statement.type === 'expression_statement' && ['string', 'ellipsis'].includes(statement.firstNamedChild?.type ?? '')),
  );
}
