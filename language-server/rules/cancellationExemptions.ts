// Where a caught CancelledError is fine after all: ALENS008's exemptions, shared by `except` and `contextlib.suppress`.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../analysis/sourceFile';
import { descendantsInSameScope, enclosingFunction, namedChildrenOf } from '../syntax/nodes';

/** Statements that end the handler on purpose: re-raise, return, or leave the loop (and so the worker). */
const DELIBERATE_EXITS = new Set(['raise_statement', 'return_statement', 'break_statement']);
/** Calls that never return: the handler ends there as surely as with `raise`. */
const NEVER_RETURN = new Set(['sys.exit', 'os._exit', 'pytest.fail', 'pytest.skip', 'pytest.exit']);
const LOOPS = new Set(['for_statement', 'while_statement']);
const SUSPENSIONS = new Set(['await', 'with_statement', 'for_statement']);
const LOOPS_AND_SUSPENSIONS = new Set([...LOOPS, ...SUSPENSIONS]);
/** Waiting for tasks through these still only waits for them (their CancelledError may be theirs, not ours). */
const TASK_WAITERS = new Set(['asyncio.wait_for', 'asyncio.wait', 'asyncio.gather']);

/** The handler re-raises, returns, breaks out, or calls something that never returns (`sys.exit()`, `self.fail()`, `1 / 0`). */
export function leavesHandler(file: SourceFile, body: Node): boolean {
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

/**
 * `task.cancel()` (directly, through `loop.call_soon(task.cancel)`, a callback, another task…) then
 * `try: await task` / `except CancelledError: pass`: when every await in the try waits for a task or future
 * held in a variable, the CancelledError there may well be that task's, not this one's.
 */
export function onlyWaitsForHeldTasks(file: SourceFile, body: Node): boolean {
  const suspensions = descendantsInSameScope(body, SUSPENSIONS).filter((node) => node.type === 'await' || node.child(0)?.type === 'async');
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
 * The swallowing statement (a try, a `with suppress(...)`) is where the coroutine ends: it runs to its end from
 * there without suspending again. No loop around it, and nothing in `alsoRun` (the handler, the `finally` clause)
 * or after it loops or awaits (a `return`, setting a flag, logging). The task then stops as asked; it only returns
 * instead of ending cancelled.
 */
export function endsCoroutine(swallower: Node, alsoRun: readonly (Node | null | undefined)[]): boolean {
  const runsOn = (node: Node) => descendantsInSameScope(node, LOOPS_AND_SUSPENSIONS).some((found) => found.type !== 'with_statement' || found.child(0)?.type === 'async');
  if (alsoRun.some((node) => node && runsOn(node))) return false;
  const fn = enclosingFunction(swallower);
  for (let statement: Node = swallower; statement.parent && !statement.equals(fn!); statement = statement.parent) {
    if (LOOPS.has(statement.type) && !statement.equals(swallower)) return false;
    if (statement.parent.type !== 'block' && statement.parent.type !== 'module') continue;
    for (let next = statement.nextNamedSibling; next; next = next.nextNamedSibling) if (runsOn(next)) return false;
  }
  return true;
}
