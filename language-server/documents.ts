// Open Python documents: their text, and a syntax tree kept up to date with tree-sitter edits rather than re-parsed from scratch.
import type { Parser, Tree, Point } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';

export class ParsedDocument {
  private document: TextDocument;
  /** The last tree, already edited to match the current text when `stale` is true. */
  private tree: Tree | undefined;
  private stale = true;
  disposed = false;

  constructor(readonly uri: string, languageId: string, version: number, text: string) {
    this.document = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number {
    return this.document.version;
  }

  get text(): string {
    return this.document.getText();
  }

  lineAt(row: number): string {
    return this.document.getText({ start: { line: row, character: 0 }, end: { line: row + 1, character: 0 } }).replace(/\r?\n$/, '');
  }

  /** Applies LSP content changes in order, telling the old tree about each so the next parse reuses it. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change)) {
        this.dropTree();
        this.document = TextDocument.update(this.document, [change], version);
        continue;
      }
      const startIndex = this.document.offsetAt(change.range.start);
      const oldEndIndex = this.document.offsetAt(change.range.end);
      const startPosition = pointAt(this.document, startIndex);
      const oldEndPosition = pointAt(this.document, oldEndIndex);
      this.document = TextDocument.update(this.document, [change], version);
      this.tree?.edit({
        startIndex,
        oldEndIndex,
        newEndIndex: startIndex + change.text.length,
        startPosition,
        oldEndPosition,
        newEndPosition: endPointAfterInsert(startPosition, change.text),
      });
    }
    this.stale = true;
  }

  /** The tree for the current text: an incremental parse when an edited old tree exists. */
  parse(parser: Parser): Tree {
    if (this.tree && !this.stale) return this.tree;
    const next = parser.parse(this.text, this.tree ?? null);
    if (!next) throw new Error(`tree-sitter could not parse ${this.uri}`);
    // The old tree lives in WebAssembly memory: free it explicitly.
    this.tree?.delete();
    this.tree = next;
    this.stale = false;
    return next;
  }

  dispose(): void {
    this.disposed = true;
    this.dropTree();
  }

  private dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
  }
}

function pointAt(document: TextDocument, offset: number): Point {
  const position = document.positionAt(offset);
  return { row: position.line, column: position.character };
}

function endPointAfterInsert(start: Point, text: string): Point {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: text.length - lastNewline - 1 };
}
