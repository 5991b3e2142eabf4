// Code written to raise: a statement inside `with self.assertRaises(...)` or `with pytest.raises(...)`.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from './sourceFile';
import { withItems } from '../syntax/nodes';

/** unittest's context managers that expect the block to raise (`self.assertRaises`, `cm.assertRaisesRegex`). */
const UNITTEST_RAISES = /\.assertRaises(Regex)?$/;
const PYTEST_RAISES = new Set(['pytest.raises']);

/** True when `node` runs in the body of a `with` that expects it to raise, in the same function. */
export function isExpectedToRaise(file: SourceFile, node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'class_definition') return false;
    if (current.type !== 'with_statement') continue;
    const body = current.childForFieldName('body');
    if (!body || node.startIndex < body.startIndex) continue;
    const raises = withItems(current).some(({ value }) => {
      if (value.type !== 'call') return false;
      const callee = value.childForFieldName('function');
      const text = callee?.text ?? '';
      return UNITTEST_RAISES.test(text) || PYTEST_RAISES.has(file.qualifiedName(callee) ?? '');
    });
    if (raises) return true;
  }
  return false;
}
