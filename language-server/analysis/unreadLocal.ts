// `x = value()` inside a function where `x` is never read afterwards: the value is dropped when the function returns.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction } from '../syntax/nodes';

/** For `x = expression` in a function where `x` is never read afterwards (nor on a later loop turn): the name `x`. */
export function unreadAssignmentTarget(expression: Node): string | undefined {
  const assignment = expression.parent;
  if (assignment?.type !== 'assignment' || !assignment.childForFieldName('right')?.equals(expression)) return undefined;
  if (assignment.parent?.type !== 'expression_statement') return undefined;
  const target = assignment.childForFieldName('left');
  // `_name` says "unused on purpose".
  if (target?.type !== 'identifier' || target.text.startsWith('_')) return undefined;
  const fn = enclosingFunction(expression);
  if (fn?.type !== 'function_definition') return undefined;
  // Declared global or nonlocal, the name outlives the call.
  if (new RegExp(`\\b(global|nonlocal)\\b[^\\n]*\\b${target.text}\\b`).test(fn.text)) return undefined;
  // Nested defs may read it too (closures), so look at every identifier of the function, nested ones included.
  const readLater = fn.descendantsOfType('identifier', assignment.endPosition).some((node) => node?.text === target.text);
  // In a loop, a read above the assignment runs after it on the next turn.
  const readNextTurn = isInsideLoop(assignment, fn) && usedAnywhere(fn, target);
  return readLater || readNextTurn ? undefined : target.text;
}

function isInsideLoop(node: Node, fn: Node): boolean {
  for (let current = node.parent; current && !current.equals(fn); current = current.parent) {
    if (current.type === 'for_statement' || current.type === 'while_statement') return true;
  }
  return false;
}

function usedAnywhere(fn: Node, target: Node): boolean {
  return fn.descendantsOfType('identifier').some((node) => node !== null && node.text === target.text && !node.equals(target));
}
