// ALENS008: an except clause in a coroutine that catches CancelledError and neither re-raises nor leaves.
import type { Node } from 'web-tree-sitter';
import { finding, insertAt, type Finding, type Fix } from '../analysis/finding';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { descendantsInSameScope, enclosingFunction, indentationOf, isInCoroutine, namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const CANCELLED_ERRORS = new Set(['asyncio.CancelledError', 'asyncio.exceptions.CancelledError', 'builtins.BaseException']);
/** Statements that end the handler on purpose: re-raise, return, or leave the loop (and so the worker). */
const DELIBERATE_EXITS = new Set(['raise_statement', 'return_statement', 'break_statement']);

export const swallowedCancellationRule: Rule = {
  codes: ['ALENS008'],
  check(file) {
    const findings: Finding[] = [];
    for (const clause of file.exceptClauses) {
      if (!isInCoroutine(clause)) continue;
      const caught = caughtCancellation(file, clause);
      if (!caught) continue;
      const body = clause.namedChildren.find((child) => child?.type === 'block');
      if (!body || descendantsInSameScope(body, DELIBERATE_EXITS).length > 0) continue;
      if (forwardsException(clause, body) || awaitsTaskItCancelled(clause) || withdrawsCancellation(body)) continue;
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
 * The usual way to wait for a task one has just cancelled: `task.cancel()` then
 * `try: await task` / `except CancelledError: pass`. That CancelledError is the task's, not ours.
 * Any `.cancel()` earlier in the function counts: loops over tasks make the receivers hard to match.
 */
function awaitsTaskItCancelled(clause: Node): boolean {
  const tryStatement = clause.parent;
  const tryBody = tryStatement?.childForFieldName('body');
  const fn = enclosingFunction(clause);
  if (!tryStatement || !tryBody || !fn || tryBody.descendantsOfType('await').length === 0) return false;
  return fn.descendantsOfType('call', fn.startPosition, tryStatement.startPosition).some((call) => {
    const callee = call?.childForFieldName('function');
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'cancel';
  });
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
