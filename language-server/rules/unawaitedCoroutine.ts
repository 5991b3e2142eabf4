// ALENS002: a coroutine made and never awaited, so its body never runs (pyright's reportUnusedCoroutine, and more).
import type { Node } from 'web-tree-sitter';
import { CoroutineIndex } from '../analysis/coroutines';
import { finding, replaceNode, type Finding, type Fix } from '../analysis/finding';
import { addAwait, asyncioModule } from '../analysis/fixes';
import { unreadAssignmentTarget } from '../analysis/unreadLocal';
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
      const call = site.node;
      const bare = isBareExpressionStatement(call);
      if (!bare && !mayBeUnreadLocal(call)) continue;
      // Asked only of dropped or stored values: type inference is the costly part, then whether the store is read.
      const callee = coroutines.coroutineCalled(site);
      if (!callee) continue;
      const unusedVariable = bare ? undefined : unreadAssignmentTarget(call);
      if (!bare && !unusedVariable) continue;
      const message = unusedVariable
        ? t('The coroutine stored in {0} is never awaited, so {1}() never runs.', unusedVariable, callee)
        : t('{0}() makes a coroutine that is never awaited, so its body never runs.', callee);
      findings.push(finding('ALENS002', call, message, fixesFor(file, call)));
    }
    return findings;
  },
};

/** The cheap half of unreadAssignmentTarget: `name = call()` inside a function. */
function mayBeUnreadLocal(call: Node): boolean {
  const assignment = call.parent;
  return assignment?.type === 'assignment' && assignment.childForFieldName('left')?.type === 'identifier' && enclosingFunction(call) !== null;
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
