// ALENS001's second fix: hand the dropped task to an asyncio.TaskGroup, which keeps it and waits for it.
import type { Node } from 'web-tree-sitter';
import type { Fix } from '../analysis/finding';
import { asyncioModule } from '../analysis/fixes';
import type { CallSite, SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { descendantsInSameScope, enclosingFunction, indentationOf, isAsyncFunction, isBareExpressionStatement, namedChildrenOf } from '../syntax/nodes';

const YIELD = new Set(['yield']);

/**
 * Wraps the rest of the coroutine, from the dropped `asyncio.create_task(…)` on, in
 * `async with asyncio.TaskGroup() as tg:` and makes it `tg.create_task(…)` (later bare ones in the same body too):
 * the rest still runs concurrently with the task, and the function waits for it where it ends.
 * Offered only where that rewrite only re-indents lines: a statement of its own, directly in an `async def`'s body
 * (not in a loop or branch, where the group would wait every time round), not re-scheduling the coroutine itself, no
 * multi-line string below it (its text would change), and no yield (an async generator must not suspend inside a
 * TaskGroup's block).
 */
export function taskGroupFix(file: SourceFile, site: CallSite): Fix | undefined {
  const statement = site.node.parent;
  const fn = enclosingFunction(site.node);
  const body = fn?.childForFieldName('body');
  if (site.qualified !== 'asyncio.create_task' || !statement || !fn || !body || !isAsyncFunction(fn)) return undefined;
  if (!statement.parent?.equals(body) || descendantsInSameScope(body, YIELD).length > 0) return undefined;
  // A coroutine that re-schedules itself would wait for its own next round, and that one for the next…
  const coroutine = namedChildrenOf(site.node.childForFieldName('arguments') ?? site.node)[0];
  if (coroutine?.type === 'call' && coroutine.childForFieldName('function')?.text === fn.childForFieldName('name')?.text) return undefined;
  const lines = file.text.split('\n');
  const first = statement.startPosition.row;
  const last = body.endPosition.row;
  const statementIndent = indentationOf(statement, file.text);
  const functionIndent = indentationOf(fn, file.text);
  // Something else before it on its line (`x = 1; asyncio.create_task(…)`, a one-line def): no clean re-indent.
  if (lines[first].slice(0, statement.startPosition.column) !== statementIndent) return undefined;
  if (!statementIndent.startsWith(functionIndent) || statementIndent === functionIndent) return undefined;
  const indentUnit = statementIndent.slice(functionIndent.length);
  const spansLines = (node: Node | null) => node !== null && node.startPosition.row !== node.endPosition.row;
  const strings = body.descendantsOfType(['string', 'concatenated_string'], statement.startPosition, body.endPosition);
  if (strings.some((node) => node !== null && node.startIndex >= statement.startIndex && spansLines(node))) return undefined;

  const callees = file.calls
    .filter((other) => other.qualified === 'asyncio.create_task' && other.node.startIndex >= site.node.startIndex)
    .filter((other) => isBareExpressionStatement(other.node) && other.node.parent!.parent?.equals(body))
    .map((other) => other.callee!);
  if (callees.some(spansLines)) return undefined;

  let group = 'tg';
  for (let n = 2; new RegExp(`\\b${group}\\b`).test(fn.text); n++) group = `tg${n}`;
  const asyncio = asyncioModule(file);
  const region = lines.slice(first, last + 1);
  // Right to left within a line, so earlier columns stay valid.
  for (const callee of [...callees].sort((a, b) => b.startIndex - a.startIndex)) {
    const line = callee.startPosition.row - first;
    region[line] = region[line].slice(0, callee.startPosition.column) + `${group}.create_task` + region[line].slice(callee.endPosition.column);
  }
  const newline = lines[first].endsWith('\r') ? '\r\n' : '\n';
  const header = `${statementIndent}async with ${asyncio.name}.TaskGroup() as ${group}:${newline}`;
  const indented = region.map((line) => (line.trim() ? indentUnit + line : line)).join('\n');
  const lastLine = lines[last].replace(/\r$/, '');
  return {
    title: t('Use an asyncio.TaskGroup that waits for the task where the function ends (Python 3.11+)'),
    edits: [
      ...asyncio.importEdits,
      { range: { start: { row: first, column: 0 }, end: { row: last, column: lastLine.length } }, newText: header + indented.replace(/\r$/, '') },
    ],
  };
}
