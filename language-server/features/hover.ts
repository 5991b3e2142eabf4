// Hover on an asyncio name: what it does, since which Python, and a link to the course step that teaches it.
import type { Node, Point } from 'web-tree-sitter';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { ASYNCIO_DOCS } from './asyncioDocs';
import { courseStepTitle, openCourseStepLink } from './courseSteps';
import type { TextRange } from '../analysis/finding';

export interface HoverText {
  markdown: string;
  range: TextRange;
}

export function hoverAt(file: SourceFile, point: Point): HoverText | undefined {
  const node = file.root.namedDescendantForPosition(point);
  if (node?.type !== 'identifier') return undefined;
  const name = asyncioNameOf(file, node);
  const doc = name ? ASYNCIO_DOCS[name] : undefined;
  if (!doc) return undefined;
  const markdown = [
    '```python\n' + doc.signature + '\n```',
    doc.summary(),
    `*${t('Python')}: ${doc.versions.map((note) => t(note)).join(' · ')}*`,
    ...(doc.step ? [`[${t('Course: {0}', courseStepTitle(doc.step))}](${openCourseStepLink(doc.step)})`] : []),
  ].join('\n\n');
  return { markdown, range: { start: node.startPosition, end: node.endPosition } };
}

/** `create_task` for the identifiers in `asyncio.create_task`, `aio.create_task`, an imported `create_task`, or the import itself. */
function asyncioNameOf(file: SourceFile, identifier: Node): string | undefined {
  const parent = identifier.parent;
  let expression: Node = identifier;
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.equals(identifier)) expression = parent;
  const qualified = file.qualifiedName(expression);
  if (qualified?.startsWith('asyncio.')) return qualified.slice('asyncio.'.length);
  // `from asyncio import create_task`: the name inside the import statement.
  const statement = parent?.parent?.type === 'aliased_import' ? parent.parent.parent : parent?.parent;
  if (parent?.type === 'dotted_name' && statement?.type === 'import_from_statement') {
    if (statement.childForFieldName('module_name')?.text === 'asyncio' && !parent.equals(statement.childForFieldName('module_name')!)) {
      return identifier.text;
    }
  }
  return undefined;
}
