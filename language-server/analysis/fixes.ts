// Building blocks of quick fixes that several rules share.
import type { Node, Point } from 'web-tree-sitter';
import { insertAt, replaceNode, type TextEdit } from './finding';
import type { SourceFile } from './sourceFile';
import { namedChildrenOf } from '../syntax/nodes';

/** How to spell the asyncio module in new code, and the `import asyncio` to add when the file lacks one. */
export function asyncioModule(file: SourceFile): { name: string; importEdits: TextEdit[] } {
  for (const [local, qualified] of file.imports) if (qualified === 'asyncio') return { name: local, importEdits: [] };
  return { name: 'asyncio', importEdits: [insertAt(importInsertionPoint(file), 'import asyncio\n')] };
}

/** Start of the first line after the docstring and `from __future__` imports: where a new import goes. */
export function importInsertionPoint(file: SourceFile): Point {
  let row = 0;
  for (const [index, statement] of namedChildrenOf(file.root).entries()) {
    const isDocstring = index === 0 && statement.type === 'expression_statement' && statement.firstNamedChild?.type === 'string';
    const isFuture = statement.type === 'future_import_statement';
    if (!isDocstring && !isFuture) break;
    row = statement.endPosition.row + 1;
  }
  return { row, column: 0 };
}

/** Parent kinds where an expression is a primary, so `await expression` needs parentheses there. */
const PRIMARY_POSITIONS = new Set(['attribute', 'subscript', 'call']);

/** Text of `await <expressionText>`, parenthesised when `node`'s position needs it. */
export function awaitText(node: Node, expressionText: string): string {
  const needsParentheses = node.parent !== null && PRIMARY_POSITIONS.has(node.parent.type) && node.parent.firstNamedChild?.equals(node);
  return needsParentheses ? `(await ${expressionText})` : `await ${expressionText}`;
}

export function addAwait(node: Node): TextEdit {
  return replaceNode(node, awaitText(node, node.text));
}

/**
 * `await asyncio.to_thread(f, a, k=v)` for the call `f(a, k=v)`: the call runs in a worker thread.
 * Undefined when the arguments cannot move as they are (a generator expression as the only argument).
 */
export function toThreadText(call: Node, asyncioName: string): string | undefined {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!fn || !args || args.type !== 'argument_list') return undefined;
  const inner = args.text.slice(1, -1).trim();
  const argumentText = inner ? `${fn.text}, ${inner}` : fn.text;
  return awaitText(call, `${asyncioName}.to_thread(${argumentText})`);
}
