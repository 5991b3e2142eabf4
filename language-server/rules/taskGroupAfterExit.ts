// ALENS014: tg.create_task() after `async with asyncio.TaskGroup() as tg:` has ended: RuntimeError, the group is finished.
import { finding, type Finding } from '../analysis/finding';
import { t } from '../messages';
import { enclosingFunction, isAsyncStatement, withItems } from '../syntax/nodes';
import type { Rule } from './rule';

export const taskGroupAfterExitRule: Rule = {
  codes: ['ALENS014'],
  check(file) {
    const findings: Finding[] = [];
    for (const statement of file.withStatements) {
      if (!isAsyncStatement(statement)) continue;
      for (const { value, alias } of withItems(statement)) {
        if (!alias || value.type !== 'call' || file.qualifiedName(value.childForFieldName('function')) !== 'asyncio.TaskGroup') continue;
        const scope = enclosingFunction(statement);
        const rebinding = new RegExp(`\\bas\\s+${alias}\\b|(^|[^.\\w])${alias}\\s*(:[^=\\n]*)?=[^=]`);
        for (const call of file.calls) {
          if (call.startIndex < statement.endIndex) continue;
          const fn = call.childForFieldName('function');
          if (fn?.type !== 'attribute' || fn.text !== `${alias}.create_task`) continue;
          const callScope = enclosingFunction(call);
          if (!(callScope === scope || (callScope && scope && callScope.equals(scope)))) continue;
          if (rebinding.test(file.text.slice(statement.endIndex, call.startIndex))) continue;
          findings.push(
            finding(
              'ALENS014',
              call,
              t('{0} has already exited here, so create_task() raises RuntimeError. Create the task inside the async with block.', alias),
            ),
          );
        }
      }
    }
    return findings;
  },
};
