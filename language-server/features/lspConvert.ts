// Diagnoses (plain data) → LSP diagnostics and code actions.
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { Diagnosis } from '../analysis/analyze';
import type { TextRange } from '../analysis/finding';
import { RULES, type Severity } from '../rules/catalog';
import { t } from '../messages';

export const DIAGNOSTIC_SOURCE = 'asyncio-lens';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspRange(range: TextRange): Range {
  return {
    start: { line: range.start.row, character: range.start.column },
    end: { line: range.end.row, character: range.end.column },
  };
}

export function toDiagnostic(diagnosis: Diagnosis): Diagnostic {
  return {
    range: toLspRange(diagnosis.range),
    severity: SEVERITIES[diagnosis.severity],
    code: diagnosis.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnosis.message,
  };
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Quick fixes for the diagnoses touching `range`, each followed by a "silence with # noqa" action. */
export function codeActionsFor(uri: string, diagnoses: readonly Diagnosis[], range: Range, lines: (row: number) => string): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnosis of diagnoses) {
    const diagnostic = toDiagnostic(diagnosis);
    if (!overlaps(diagnostic.range, range)) continue;
    for (const fix of diagnosis.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred,
        edit: { changes: { [uri]: fix.edits.map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText })) } },
      });
    }
    actions.push(noqaAction(uri, diagnostic, diagnosis, lines(diagnosis.range.start.row)));
  }
  return actions;
}

function noqaAction(uri: string, diagnostic: Diagnostic, diagnosis: Diagnosis, line: string): CodeAction {
  const row = diagnosis.range.start.row;
  const existing = /#\s*noqa\s*:\s*[A-Z0-9, ]+/i.exec(line);
  const trimmedEnd = line.replace(/\s+$/, '').length;
  const edit = existing
    ? { range: lineRange(row, existing.index + existing[0].replace(/\s+$/, '').length), newText: `, ${diagnosis.code}` }
    : { range: lineRange(row, trimmedEnd), newText: `  # noqa: ${diagnosis.code}` };
  return {
    title: t('Silence {0} ({1}) on this line', diagnosis.code, RULES[diagnosis.code].name),
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: [edit] } },
  };
}

function lineRange(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character } };
}
