// ALENS008: an except clause in a coroutine that catches CancelledError and neither re-raises nor leaves.
import type { Node } from 'web-tree-sitter';
import { followsCancelScopes } from '../analysis/cancellationStyle';
import { finding, insertAt, type Finding, type Fix } from '../analysis/finding';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { descendantsInSameScope, enclosingFunction, indentationOf, isInCoroutine, namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const CANCELLED_ERRORS = new Set(['asyncio.CancelledError', 'asyncio.exceptions.CancelledError', 'builtins.BaseException']);
/** Statements that end the handler on purpose: re-raise, return, or leave the loop (and so the worker). */
const DELIBERATE_EXITS = new Set(['raise_statement', 'return_statement', 'break_statement']);
/** Calls that never return: the handler ends there as surely as with `raise`. */
const NEVER_RETURN = new Set(['sys.exit', 'os._exit', 'pytest.fail', 'pytest.skip', 'pytest.exit']);
const LOOPS = new Set(['for_statement', 'while_statement']);
const SUSPENSIONS = new Set(['await', 'with_statement', 'for_statement']);
const LOOPS_AND_SUSPENSIONS = new Set([...LOOPS, ...SUSPENSIONS]);
/** Waiting for tasks through these still only waits for them (their CancelledError may be theirs, not ours). */
const TASK_WAITERS = new Set(['asyncio.wait_for', 'asyncio.wait', 'asyncio.gather']);

export const swallowedCancellationRule: Rule = {
  codes: ['ALENS008'],
  check(file) {
    const findings: Finding[] = [];
    if (file.exceptClauses.length === 0 || followsCancelScopes(file)) return findings;
    for (const clause of file.exceptClauses) {
      if (!isInCoroutine(clause)) continue;
      const caught = caughtCancellation(file, clause);
      if (!caught) continue;
      const body = clause.namedChildren.find((child) => child?.type === 'block');
      if (!body || leavesHandler(file, body)) continue;
      const tryStatement = clause.parent;
      if (forwardsException(clause, body) || withdrawsCancellation(body)) continue;
      if (tryStatement && (onlyWaitsForHeldTasks(file, tryStatement) || endsCoroutine(tryStatement, body))) continue;
      const head = clause.child(0)!;
      findings.push({
        ...finding(
          'ALENS008',
          clause,
          t('{0} here swallows cancellation: task.cancel(), TaskGroup and timeouts stop working for this task. Re-raise it.', caught),
          [addRaiseFix(file, clause, body)],
        ),
        // Underline the `except …:` line, not the whole handler.
        range: { start: head.startPosition, end: body.startPosition.row === head.startPosition.row ? body.startPosition : lineEnd(file, head) },
      });
    }
    return findings;
  },
};

/** The handler re-raises, returns, breaks out, or calls something that never returns (`sys.exit()`, `self.fail()`, `1 / 0`). */
function leavesHandler(file: SourceFile, body: Node): boolean {
  if (descendantsInSameScope(body, DELIBERATE_EXITS).length > 0) return true;
  return descendantsInSameScope(body, new Set(['call', 'binary_operator'])).some((node) => {
    if (node.type === 'binary_operator') {
      // `1 / 0`: tests raise ZeroDivisionError this way.
      const right = node.childForFieldName('right');
      return ['/', '//', '%'].includes(node.childForFieldName('operator')?.type ?? '') && right?.type === 'integer' && Number(right.text) === 0;
    }
    const callee = node.childForFieldName('function');
    return NEVER_RETURN.has(file.qualifiedName(callee) ?? '') || callee?.text === 'self.fail';
  });
}

/** How the clause names what it catches when that includes cancellation (`bare except`, a CancelledError, BaseException). */
function caughtCancellation(file: SourceFile, clause: Node): string | undefined {
  let value = clause.childForFieldName('value');
  if (!value) return clause.child(1)?.type === '*' ? undefined : 'except:';
  if (value.type === 'as_pattern') value = value.firstNamedChild;
  if (value?.type === 'parenthesized_expression') value = value.firstNamedChild;
  const candidates = value?.type === 'tuple' ? namedChildrenOf(value) : value ? [value] : [];
  const match = candidates.find((candidate) => CANCELLED_ERRORS.has(file.qualifiedName(candidate) ?? ''));
  return match ? `except ${match.text}` : undefined;
}

/** `except BaseException as exc: future.set_exception(exc)` hands the exception on: a deliberate pattern. */
function forwardsException(clause: Node, body: Node): boolean {
  const value = clause.childForFieldName('value');
  const alias = value?.type === 'as_pattern' ? value.childForFieldName('alias')?.text : undefined;
  return alias !== undefined && body.descendantsOfType('identifier').some((node) => node?.text === alias);
}

/**
 * `task.cancel()` (directly, through `loop.call_soon(task.cancel)`, a callback, another task…) then
 * `try: await task` / `except CancelledError: pass`: when every await in the try waits for a task or future
 * held in a variable, the CancelledError there may well be that task's, not this one's.
 */
function onlyWaitsForHeldTasks(file: SourceFile, tryStatement: Node): boolean {
  const tryBody = tryStatement.childForFieldName('body');
  if (!tryBody) return false;
  const suspensions = descendantsInSameScope(tryBody, SUSPENSIONS).filter((node) => node.type === 'await' || node.child(0)?.type === 'async');
  return suspensions.length > 0 && suspensions.every((node) => node.type === 'await' && isHeldTaskWait(file, node.firstNamedChild));
}

function isHeldTaskWait(file: SourceFile, awaited: Node | null): boolean {
  while (awaited?.type === 'parenthesized_expression') awaited = awaited.firstNamedChild;
  if (!awaited) return false;
  if (isHeld(awaited)) return true;
  if (awaited.type !== 'call' || !TASK_WAITERS.has(file.qualifiedName(awaited.childForFieldName('function')) ?? '')) return false;
  const args = namedChildrenOf(awaited.childForFieldName('arguments') ?? awaited).filter((arg) => arg.type !== 'keyword_argument');
  const tasks = file.qualifiedName(awaited.childForFieldName('function')) === 'asyncio.gather' ? args : args.slice(0, 1);
  return tasks.length > 0 && tasks.every((arg) => isHeld(arg.type === 'list_splat' ? arg.firstNamedChild : arg));
}

/** A name, attribute or item, or a list/set/tuple of them: something made before, not a coroutine made here. */
function isHeld(node: Node | null): boolean {
  if (!node) return false;
  if (node.type === 'identifier' || node.type === 'attribute' || node.type === 'subscript') return true;
  if (node.type === 'list' || node.type === 'set' || node.type === 'tuple') return namedChildrenOf(node).every(isHeld);
  return false;
}

/**
 * The handler is where the coroutine ends: it runs to its end from there without suspending again. No loop
 * around the try, and nothing in the handler, the `finally` clause or after the try loops or awaits (a `return`,
 * setting a flag, logging). The task then stops as asked; it only returns instead of ending cancelled.
 */
function endsCoroutine(tryStatement: Node, handler: Node): boolean {
  const runsOn = (node: Node) => descendantsInSameScope(node, LOOPS_AND_SUSPENSIONS).some((found) => found.type !== 'with_statement' || found.child(0)?.type === 'async');
  const finallyClause = tryStatement.namedChildren.find((child) => child?.type === 'finally_clause');
  if (runsOn(handler) || (finallyClause && runsOn(finallyClause))) return false;
  const fn = enclosingFunction(tryStatement);
  for (let statement: Node = tryStatement; statement.parent && !statement.equals(fn!); statement = statement.parent) {
    if (LOOPS.has(statement.type) && !statement.equals(tryStatement)) return false;
    if (statement.parent.type !== 'block' && statement.parent.type !== 'module') continue;
    for (let next = statement.nextNamedSibling; next; next = next.nextNamedSibling) if (runsOn(next)) return false;
  }
  return true;
}

/** Calling `.uncancel()` in the handler means carrying on is the point (Python 3.11+). */
function withdrawsCancellation(body: Node): boolean {
  return body.descendantsOfType('call').some((call) => {
    const callee = call?.childForFieldName('function');
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'uncancel';
  });
}

function addRaiseFix(file: SourceFile, clause: Node, body: Node): Fix {
  const last = namedChildrenOf(body).at(-1) ?? body;
  const sameLine = body.startPosition.row === clause.startPosition.row;
  const text = sameLine ? '; raise' : `\n${indentationOf(last, file.text)}raise`;
  return { title: t('Re-raise the exception'), edits: [insertAt(last.endPosition, text)], preferred: true };
}

function lineEnd(file: SourceFile, node: Node) {
  const lineStart = file.text.lastIndexOf('\n', node.startIndex - 1) + 1;
  const newline = file.text.indexOf('\n', node.startIndex);
  const end = newline < 0 ? file.text.length : newline;
  return { row: node.startPosition.row, column: file.text.slice(lineStart, end).replace(/\s+$/, '').length };
}
