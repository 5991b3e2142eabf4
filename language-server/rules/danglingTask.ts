// ALENS001: a task created and dropped. The loop keeps only a weak reference, so the task can vanish mid-run.
import type { Node } from 'web-tree-sitter';
import { finding, insertAt, replaceNode, type Finding, type Fix, type TextEdit } from '../analysis/finding';
import { isExpectedToRaise } from '../analysis/expectedRaise';
import { importInsertionPoint } from '../analysis/fixes';
import type { CallSite, SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { enclosingFunction, indentationOf, isBareExpressionStatement, namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';
import { taskGroupFix } from './taskGroupFix';

const TASK_FACTORIES = new Set(['asyncio.create_task', 'asyncio.ensure_future']);
const LOOP_GETTERS = new Set(['asyncio.get_running_loop', 'asyncio.get_event_loop', 'asyncio.new_event_loop']);
/** Receivers that are event loops by name (`loop`, `self._loop`, `event_loop`); a TaskGroup keeps its tasks itself. */
const LOOP_NAME = /(^|\.)_?(event_)?loop$/;
export const BACKGROUND_SET = 'background_tasks';

export const danglingTaskRule: Rule = {
  codes: ['ALENS001'],
  check(file) {
    const findings: Finding[] = [];
    for (const site of file.calls) {
      const factory = taskFactoryName(file, site);
      if (!factory || !isBareExpressionStatement(site.node) || isExpectedToRaise(file, site.node)) continue;
      const call = site.node;
      const taskGroup = taskGroupFix(file, site);
      findings.push(
        finding(
          'ALENS001',
          call,
          t('The task made by {0}() is dropped: the event loop keeps only a weak reference, so it can disappear before it finishes. Keep a reference, or use a TaskGroup.', factory),
          taskGroup ? [keepReferenceFix(file, call), taskGroup] : [keepReferenceFix(file, call)],
        ),
      );
    }
    return findings;
  },
};

function taskFactoryName(file: SourceFile, site: CallSite): string | undefined {
  if (site.qualified && TASK_FACTORIES.has(site.qualified)) return site.qualified;
  if (site.calleeName !== undefined) {
    const receiver = site.calleeName.match(/^(.*)\.create_task$/)?.[1];
    return receiver && LOOP_NAME.test(receiver) ? site.calleeName : undefined;
  }
  // `asyncio.get_running_loop().create_task(…)`: the receiver is a call, so the callee is no plain name.
  const fn = site.callee;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'create_task') return undefined;
  const receiver = fn.childForFieldName('object');
  return receiver?.type === 'call' && LOOP_GETTERS.has(file.qualifiedName(receiver.childForFieldName('function')) ?? '') ? fn.text : undefined;
}

/** Stores the task in a module-level set that the task leaves by itself when done (the asyncio docs' recipe). */
function keepReferenceFix(file: SourceFile, call: Node): Fix {
  const statement = call.parent!;
  const indent = indentationOf(statement, file.text);
  const scopeText = (enclosingFunction(call) ?? file.root).text;
  let variable = 'task';
  for (let n = 2; new RegExp(`\\b${variable}\\b`).test(scopeText); n++) variable = `task${n}`;
  const edits: TextEdit[] = [];
  if (!definesModuleName(file, BACKGROUND_SET)) {
    edits.push(insertAt(afterImports(file), `${BACKGROUND_SET} = set()  # strong references keep running tasks alive\n`));
  }
  edits.push(
    replaceNode(
      statement,
      `${variable} = ${call.text}\n${indent}${BACKGROUND_SET}.add(${variable})\n${indent}${variable}.add_done_callback(${BACKGROUND_SET}.discard)`,
    ),
  );
  return { title: t('Keep a reference to the task in a set'), edits, preferred: true };
}

function definesModuleName(file: SourceFile, name: string): boolean {
  return namedChildrenOf(file.root).some(
    (statement) =>
      statement.type === 'expression_statement' &&
      statement.firstNamedChild?.type === 'assignment' &&
      statement.firstNamedChild.childForFieldName('left')?.text === name,
  );
}

function afterImports(file: SourceFile) {
  const topLevelImports = namedChildrenOf(file.root).filter((statement) => /import/.test(statement.type));
  const last = topLevelImports.at(-1);
  return last ? { row: last.endPosition.row + 1, column: 0 } : importInsertionPoint(file);
}
