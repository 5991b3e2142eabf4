// Runs the rules over one file: settings, `# noqa` and syntax errors decide what is reported.
import type { Fix, TextRange } from './finding';
import { isSuppressed, noqaComments } from './noqa';
import { severityOf, type LintSettings } from './settings';
import type { SourceFile } from './sourceFile';
import type { RuleCode, Severity } from '../rules/catalog';
import { ALL_RULES } from '../rules';
import type { Rule } from '../rules/rule';

/** A finding ready to report. Plain data: it outlives the syntax tree it came from. */
export interface Diagnosis {
  code: RuleCode;
  severity: Severity;
  range: TextRange;
  message: string;
  fixes: Fix[];
}

/** Above this size a file is not analysed: a generated or data file, not code someone types. */
export const MAX_ANALYSED_CHARS = 2_000_000;

/** Why a text is not analysed at all, or undefined when it is. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_ANALYSED_CHARS) return `larger than ${MAX_ANALYSED_CHARS} characters`;
  if (text.includes('\u0000')) return 'binary content';
  return undefined;
}

export function enabledRules(settings: LintSettings): Rule[] {
  if (!settings.enabled) return [];
  return ALL_RULES.filter((rule) => rule.codes.some((code) => severityOf(code, settings) !== 'off'));
}

/** Findings of one rule, filtered and given their severity. */
export function runRule(rule: Rule, file: SourceFile, settings: LintSettings, noqa = noqaComments(file)): Diagnosis[] {
  const diagnoses: Diagnosis[] = [];
  for (const found of rule.check(file)) {
    const severity = severityOf(found.code, settings);
    if (severity === 'off') continue;
    // Half-typed code parses with ERROR nodes: judging it now would only be noise.
    if (found.node.hasError) continue;
    if (isSuppressed(noqa, found.code, [found.range.start.row, found.node.endPosition.row])) continue;
    diagnoses.push({ code: found.code, severity, range: found.range, message: found.message, fixes: found.fixes });
  }
  return diagnoses;
}

/** Every enabled rule over the file, in one go (the server runs them one by one so that it can stop early). */
export function analyze(file: SourceFile, settings: LintSettings): Diagnosis[] {
  const noqa = noqaComments(file);
  return enabledRules(settings).flatMap((rule) => runRule(rule, file, settings, noqa));
}
