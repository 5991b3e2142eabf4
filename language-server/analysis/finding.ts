// What a rule reports: plain data with tree-sitter positions (row, UTF-16 column), no LSP types.
import type { Node, Point } from 'web-tree-sitter';
import type { RuleCode } from '../rules/catalog';

export interface TextRange {
  start: Point;
  end: Point;
}

export interface TextEdit {
  range: TextRange;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix to apply with "Fix all" / the lightbulb's first entry. */
  preferred?: boolean;
}

export interface Finding {
  code: RuleCode;
  /** The node the finding is about; findings on nodes with syntax errors in them are dropped. */
  node: Node;
  range: TextRange;
  message: string;
  fixes: Fix[];
}

export function rangeOf(node: Node): TextRange {
  return { start: node.startPosition, end: node.endPosition };
}

export function replaceNode(node: Node, newText: string): TextEdit {
  return { range: rangeOf(node), newText };
}

export function insertAt(point: Point, newText: string): TextEdit {
  return { range: { start: point, end: point }, newText };
}

export function finding(code: RuleCode, node: Node, message: string, fixes: Fix[] = []): Finding {
  return { code, node, range: rangeOf(node), message, fixes };
}
