// ALENS001's first fix: keep the task in a module-level set that the task leaves by itself when done (the asyncio docs' recipe).
import type { Node } from 'web-tree-sitter';
import { insertAt, replaceNode, type Fix, type TextEdit } from '../analysis/finding';
import { importInsertionPoint } from '../analysis/fixes';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { enclosingFunction, indentationOf, namedChildrenOf } from '../syntax/nodes';

export const BACKGROUND_SET = 'background_tasks';

/** `create_task(…)` as a statement → `task = create_task(…)` + `background_tasks.add(task)` + its done callback. */
export function keepReferenceFix(file: SourceFile, call: Node): Fix {
  const statement = call.parent!;
  const indent = indentationOf(statement, file.text);
  const scopeText = (enclosingFunction(call) ?? file.root).text;
  let variable = 'task';
  for (let n = 2; new RegExp(`\\b${variable}\\b`).test(scopeText); n++) variable = `task${n}`;
  const edits = backgroundSetEdits(file);
  edits.push(
    replaceNode(
      statement,
      `${variable} = ${call.text}\n${indent}${BACKGROUND_SET}.add(${variable})\n${indent}${variable}.add_done_callback(${BACKGROUND_SET}.discard)`,
    ),
  );
  return { title: t('Keep a reference to the task in a set'), edits, preferred: true };
}

/** `task = create_task(…)` with `task` never read → the same two lines added after the assignment. */
export function keepVariableFix(file: SourceFile, assignmentStatement: Node, variable: string): Fix {
  const indent = indentationOf(assignmentStatement, file.text);
  const edits = backgroundSetEdits(file);
  edits.push(insertAt(assignmentStatement.endPosition, `\n${indent}${BACKGROUND_SET}.add(${variable})\n${indent}${variable}.add_done_callback(${BACKGROUND_SET}.discard)`));
  return { title: t('Keep a reference to the task in a set'), edits, preferred: true };
}

function backgroundSetEdits(file: SourceFile): TextEdit[] {
  if (definesModuleName(file, BACKGROUND_SET)) return [];
  return [insertAt(afterImports(file), `${BACKGROUND_SET} = set()  # strong references keep running tasks alive\n`)];
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
