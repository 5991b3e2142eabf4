// ALENS008: an except clause in a coroutine that catches CancelledError and neither re-raises nor leaves, or a
// `with contextlib.suppress(CancelledError)` around an await.
import type { Node } from 'web-tree-sitter';
import { followsCancelScopes } from '../analysis/cancellationStyle';
import { finding, insertAt, type Finding, type Fix } from '../analysis/finding';
import { headerOf, spellingsOf, type SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { indentationOf, isAsyncStatement, isInCoroutine, maySuspend, namedChildrenOf, withItems } from '../syntax/nodes';
import { endsCoroutine, leavesHandler, onlyWaitsForHeldTasks } from './cancellationExemptions';
import type { Rule } from './rule';

const CANCELLED_ERRORS = new Set(['asyncio.CancelledError', 'asyncio.exceptions.CancelledError', 'builtins.BaseException']);

export const swallowedCancellationRule: Rule = {
  codes: ['ALENS008'],
  check(file) {
    const findings: Finding[] = [];
    if (file.exceptClauses.length + file.withStatements.length === 0 || followsCancelScopes(file)) return findings;
    findings.push(...suppressBlocks(file));
    for (const clause of file.exceptClauses) {
      if (!isInCoroutine(clause)) continue;
      const caught = caughtCancellation(file, clause);
      if (!caught) continue;
      const body = clause.namedChildren.find((child) => child?.type === 'block');
      if (!body || leavesHandler(file, body)) continue;
      const tryStatement = clause.parent;
      if (forwardsException(clause, body) || withdrawsCancellation(body)) continue;
      const tryBody = tryStatement?.childForFieldName('body');
      if (tryStatement && tryBody && (onlyWaitsForHeldTasks(file, tryBody) || endsCoroutine(tryStatement, [body, finallyOf(tryStatement)]))) continue;
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

const SUPPRESS = new Set(['contextlib.suppress']);

/** `with contextlib.suppress(asyncio.CancelledError):` (or BaseException) around an await, in a coroutine. */
function suppressBlocks(file: SourceFile): Finding[] {
  const findings: Finding[] = [];
  const spellings = spellingsOf(file, SUPPRESS);
  for (const statement of file.withStatements) {
    const header = headerOf(file, statement);
    if (!spellings.some((word) => header.includes(word)) || isAsyncStatement(statement) || !isInCoroutine(statement)) continue;
    for (const { value } of withItems(statement)) {
      if (value.type !== 'call' || !SUPPRESS.has(file.qualifiedName(value.childForFieldName('function')) ?? '')) continue;
      const suppressed = namedChildrenOf(value.childForFieldName('arguments') ?? value).find((arg) => CANCELLED_ERRORS.has(file.qualifiedName(arg) ?? ''));
      const body = statement.childForFieldName('body');
      if (!suppressed || !body || !maySuspend(body)) continue;
      if (onlyWaitsForHeldTasks(file, body) || endsCoroutine(statement, [])) continue;
      findings.push(
        finding('ALENS008', value, t('suppress({0}) around an await swallows cancellation: task.cancel(), TaskGroup and timeouts stop working for this task. Let it propagate.', suppressed.text)),
      );
    }
  }
  return findings;
}

/** The `finally:` clause of a try statement, if any. */
function finallyOf(tryStatement: Node): Node | undefined {
  return tryStatement.namedChildren.find((child) => child?.type === 'finally_clause') ?? undefined;
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
