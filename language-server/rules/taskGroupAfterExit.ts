// ALENS014: tg.create_task() after `async with asyncio.TaskGroup() as tg:` has ended: RuntimeError, the group is finished.
import type { Node } from 'web-tree-sitter';
import { finding, type Finding } from '../analysis/finding';
import { headerOf, spellingsOf, type SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { enclosingFunction, isAsyncStatement, withItems } from '../syntax/nodes';
import type { Rule } from './rule';

const TASK_GROUP = new Set(['asyncio.TaskGroup']);

interface GroupBlock {
  statement: Node;
  scope: Node | null;
}

export const taskGroupAfterExitRule: Rule = {
  codes: ['ALENS014'],
  check(file) {
    const findings: Finding[] = [];
    const groups = taskGroupBlocks(file);
    if (groups.size === 0) return findings;
    for (const { node: call, calleeName, scope: callScope } of file.calls) {
      const alias = calleeName?.match(/^(\w+)\.create_task$/)?.[1];
      const blocks = alias ? groups.get(alias) : undefined;
      if (!blocks) continue;
      // The group this call means is the last one bound to that name before it.
      const block = blocks.filter((b) => b.statement.startIndex < call.startIndex).at(-1);
      if (!block || call.startIndex < block.statement.endIndex) continue;
      if (!sameScope(block.scope, callScope)) continue;
      const rebinding = new RegExp(`\\bas\\s+${alias}\\b|(^|[^.\\w])${alias}\\s*(:[^=\\n]*)?=[^=]`);
      if (rebinding.test(file.text.slice(block.statement.endIndex, call.startIndex))) continue;
      findings.push(
        finding('ALENS014', call, t('{0} has already exited here, so create_task() raises RuntimeError. Create the task inside the async with block.', alias!)),
      );
    }
    return findings;
  },
};

/** `async with asyncio.TaskGroup() as NAME` blocks by NAME, in document order. */
function taskGroupBlocks(file: SourceFile): Map<string, GroupBlock[]> {
  const groups = new Map<string, GroupBlock[]>();
  const spellings = spellingsOf(file, TASK_GROUP);
  for (const statement of file.withStatements) {
    const header = headerOf(file, statement);
    if (!header.startsWith('async') || !spellings.some((word) => header.includes(word)) || !isAsyncStatement(statement)) continue;
    for (const { value, alias } of withItems(statement)) {
      if (!alias || value.type !== 'call' || file.qualifiedName(value.childForFieldName('function')) !== 'asyncio.TaskGroup') continue;
      groups.set(alias, [...(groups.get(alias) ?? []), { statement, scope: enclosingFunction(statement) }]);
    }
  }
  return groups;
}

function sameScope(a: Node | null, b: Node | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}
