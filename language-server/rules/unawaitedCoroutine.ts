// ALENS002: a coroutine made and never awaited, so its body never runs (pyright's reportUnusedCoroutine, and more).
import type { Node } from 'web-tree-sitter';
import { CoroutineIndex } from '../analysis/coroutines';
import { finding, replaceNode, type Finding, type Fix } from '../analysis/finding';
import { addAwait, asyncioModule } from '../analysis/fixes';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { enclosingFunction, isAsyncFunction, isBareExpressionStatement } from '../syntax/nodes';
import type { Rule } from './rule';

export const unawaitedCoroutineRule: Rule = {
  codes: ['ALENS002'],
  check(file) {
    const coroutines = new CoroutineIndex(file);
    const findings: Finding[] = [];
    for (const site of file.calls) {
      const callee = coroutines.coroutineCalled(site);
      if (!callee) continue;
      const call = site.node;
      const bare = isBareExpressionStatement(call);
      const unusedVariable = bare ? undefined : unusedAssignmentTarget(call);
      if (!bare && !unusedVariable) continue;
      const message = unusedVariable
        ? t('The coroutine stored in {0} is never awaited, so {1}() never runs.', unusedVariable, callee)
        : t('{0}() makes a coroutine that is never awaited, so its body never runs.', callee);
      findings.push(finding('ALENS002', call, message, fixesFor(file, call)));
    }
    return findings;
  },
};

/** For `x = call()` inside a function where `x` is never read afterwards: the name `x`. */
function unusedAssignmentTarget(call: Node): string | undefined {
  const assignment = call.parent;
  if (assignment?.type !== 'assignment' || !assignment.childForFieldName('right')?.equals(call)) return undefined;
  if (assignment.parent?.type !== 'expression_statement') return undefined;
  const target = assignment.childForFieldName('left');
  if (target?.type !== 'identifier' || target.text.startsWith('_')) return undefined;
  const fn = enclosingFunction(call);
  if (fn?.type !== 'function_definition') return undefined;
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

function fixesFor(file: SourceFile, call: Node): Fix[] {
  const fn = enclosingFunction(call);
  if (isAsyncFunction(fn)) return [{ title: t('Add await'), edits: [addAwait(call)], preferred: true }];
  if (fn === null && isBareExpressionStatement(call)) {
    // At module level the usual intent is to run the program's entry coroutine.
    const asyncio = asyncioModule(file);
    return [{ title: t('Run it with asyncio.run()'), edits: [...asyncio.importEdits, replaceNode(call, `${asyncio.name}.run(${call.text})`)] }];
  }
  return [];
}
