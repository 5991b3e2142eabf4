// Small questions asked of the Python syntax tree, shared by the rules.
import type { Node } from 'web-tree-sitter';

/** Kinds that open a new scope for `await`: a nested def or lambda is not the coroutine itself. */
const FUNCTION_KINDS = new Set(['function_definition', 'lambda']);

/** The innermost def or lambda around `node`, or null at module level. */
export function enclosingFunction(node: Node): Node | null {
  for (let current = node.parent; current; current = current.parent) {
    if (FUNCTION_KINDS.has(current.type)) return current;
  }
  return null;
}

export function isAsyncFunction(fn: Node | null): boolean {
  return fn !== null && fn.type === 'function_definition' && fn.child(0)?.type === 'async';
}

/** True when `node` runs directly in the body of an `async def` (not in a nested def or lambda). */
export function isInCoroutine(node: Node): boolean {
  return isAsyncFunction(enclosingFunction(node));
}

/** The class whose body directly holds `fn` (decorated or not), or null. */
export function enclosingClass(fn: Node): Node | null {
  let holder = fn.parent;
  if (holder?.type === 'decorated_definition') holder = holder.parent;
  if (holder?.type !== 'block') return null;
  return holder.parent?.type === 'class_definition' ? holder.parent : null;
}

/** Decorator expressions of a def, as source text without the `@`. */
export function decoratorsOf(fn: Node): string[] {
  const parent = fn.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren
    .filter((child): child is Node => child?.type === 'decorator')
    .map((decorator) => decorator.text.replace(/^@\s*/, ''));
}

/** The statement-level node (def and class count, decorated ones with their decorators) holding `node`. */
export function definitionNode(fn: Node): Node {
  return fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
}

/** `a.b.c` for identifiers and attribute chains; undefined for anything else (calls, subscripts…). */
export function dottedName(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'));
    const attribute = node.childForFieldName('attribute');
    return object && attribute ? `${object}.${attribute.text}` : undefined;
  }
  return undefined;
}

/** Named children without the nulls web-tree-sitter's typings allow. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** True when `inner` lies within `outer` (or is it). */
export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * Descendants of `root` of the given kinds that run in the same function as `root`:
 * nested defs, lambdas and classes are not entered.
 */
export function descendantsInSameScope(root: Node, kinds: ReadonlySet<string>): Node[] {
  const found: Node[] = [];
  const cursor = root.walk();
  let descending = true;
  // Iterative pre-order walk with a cursor: far fewer WebAssembly calls than Node.children.
  for (;;) {
    if (descending) {
      const type = cursor.nodeType;
      // Keywords share some kinds' names (the `await` token inside an `await` node): named nodes only.
      if (kinds.has(type) && cursor.nodeIsNamed) found.push(cursor.currentNode);
      const opensScope = cursor.currentDepth > 0 && (FUNCTION_KINDS.has(type) || type === 'class_definition');
      if (!opensScope && cursor.gotoFirstChild()) continue;
    }
    if (cursor.currentDepth === 0) break;
    if (cursor.gotoNextSibling()) {
      descending = true;
      continue;
    }
    cursor.gotoParent();
    descending = false;
  }
  cursor.delete();
  return found;
}

/** The indentation (leading whitespace) of the line where `node` starts. */
export function indentationOf(node: Node, text: string): string {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, node.startIndex))![0];
}

/** True when the expression statement `statement` holds only `expression` (e.g. a bare call). */
export function isBareExpressionStatement(expression: Node): boolean {
  const parent = expression.parent;
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

/** True for `async with`, `async for` and async comprehension clauses. */
export function isAsyncStatement(node: Node): boolean {
  return node.child(0)?.type === 'async';
}

const SUSPENSION_KINDS = new Set(['await', 'yield', 'with_statement', 'for_statement', 'for_in_clause']);

/**
 * True when running `node` may suspend the coroutine: an await, an `async for`/`async with`, an async
 * comprehension, or a yield (an async generator hands control to its consumer there).
 */
export function maySuspend(node: Node): boolean {
  return descendantsInSameScope(node, SUSPENSION_KINDS).some(
    (found) => found.type === 'await' || found.type === 'yield' || isAsyncStatement(found),
  );
}

/** The `async with` item values of a with statement, unwrapped from `as` patterns, with their aliases. */
export function withItems(withStatement: Node): { value: Node; alias: string | undefined }[] {
  const clause = withStatement.namedChildren.find((child) => child?.type === 'with_clause');
  if (!clause) return [];
  return namedChildrenOf(clause).flatMap((item) => {
    const value = item.childForFieldName('value');
    if (!value) return [];
    if (value.type !== 'as_pattern') return [{ value, alias: undefined }];
    const target = value.childForFieldName('alias');
    const inner = value.firstNamedChild;
    return inner ? [{ value: inner, alias: target?.text }] : [];
  });
}
