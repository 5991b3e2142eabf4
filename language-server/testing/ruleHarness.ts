// Test helpers: parse a snippet, run one rule, apply a fix. Used by the rules' vitest files only.
import type { Point } from 'web-tree-sitter';
import type { Finding, Fix } from '../analysis/finding';
import { indexSourceFile, type SourceFile } from '../analysis/sourceFile';
import { asyncDefNames } from '../analysis/types/modules';
import { summarizeModule, type ModuleSummary } from '../analysis/types/moduleSummary';
import type { Rule } from '../rules/rule';
import { grammarFromNodeModules } from './grammar';

/** Dedents a template literal so that test sources read naturally. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/**
 * Parses a snippet as the document being analysed; `modules` stand for the files it can import (module name →
 * source; a name ending in `/__init__` is a package, e.g. `pkg/__init__`).
 */
export async function parse(text: string, modules: Record<string, string> = {}): Promise<SourceFile> {
  const grammar = await grammarFromNodeModules();
  const tree = grammar.newParser().parse(text)!;
  const summaries = new Map<string, ModuleSummary>();
  for (const [key, source] of Object.entries(modules)) {
    const isPackage = key.endsWith('/__init__');
    const name = key.replace(/\/__init__$/, '');
    summaries.set(name, summarizeModule(grammar.newParser().parse(source)!.rootNode, name, isPackage, true));
  }
  const host = {
    summary: (name: string) => summaries.get(name),
    asyncNamesReachable: () => new Set(Object.values(modules).flatMap(asyncDefNames)),
  };
  return indexSourceFile(grammar, tree, text, host);
}

export async function check(rule: Rule, text: string, modules: Record<string, string> = {}): Promise<Finding[]> {
  return rule.check(await parse(text, modules));
}

/** The flagged source text of each finding, with its code: easy to compare in tests. */
export async function flagged(rule: Rule, text: string, modules: Record<string, string> = {}): Promise<string[]> {
  return (await check(rule, text, modules)).map((f) => `${f.code} ${f.node.text}`);
}

export function offsetAt(text: string, point: Point): number {
  let offset = 0;
  for (let row = 0; row < point.row; row++) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) return text.length;
    offset = newline + 1;
  }
  return Math.min(offset + point.column, text.length);
}

/** The text after applying a fix's edits (non-overlapping, applied from last to first). */
export function applyFix(text: string, fix: Fix): string {
  const edits = fix.edits
    .map((edit) => ({ start: offsetAt(text, edit.range.start), end: offsetAt(text, edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start);
  for (const edit of edits) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return text;
}

/** Applies the first fix of the only finding. */
export async function fixed(rule: Rule, text: string, fixIndex = 0): Promise<string> {
  const findings = await check(rule, text);
  if (findings.length !== 1) throw new Error(`expected one finding, got ${findings.length}: ${findings.map((f) => f.node.text).join(' | ')}`);
  return applyFix(text, findings[0].fixes[fixIndex]);
}
