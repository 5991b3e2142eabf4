// When to analyse: debounced after typing, one rule per turn of the event loop, abandoned as soon as a newer edit arrives.
import { enabledRules, runRule, skipReason, type Diagnosis } from './analysis/analyze';
import { noqaComments } from './analysis/noqa';
import type { LintSettings } from './analysis/settings';
import { indexSourceFile, type SourceFile } from './analysis/sourceFile';
import type { ModuleHost } from './analysis/types/modules';
import type { ParsedDocument } from './documents';
import type { PythonGrammar } from './syntax/pythonParser';

/** Long enough to skip the keystrokes of a word typed fast, short enough to feel immediate. */
export const DEFAULT_DEBOUNCE_MS = 30;

export interface LinterHost {
  settings(): LintSettings;
  publish(document: ParsedDocument, diagnoses: Diagnosis[]): void;
  log(message: string): void;
  /** The modules a document can import (the workspace, site-packages); none when absent. */
  modules?(document: ParsedDocument): ModuleHost;
  /** Where each finished analysis reports its cost, when someone measures. */
  timing?(timing: AnalysisTiming): void;
}

export interface AnalysisTiming {
  uri: string;
  version: number;
  lines: number;
  /** Re-parse, incremental when the document was edited, in milliseconds. */
  parseMs: number;
  /** Indexing the new tree for the rules (one query pass over it). */
  indexMs: number;
  /** All rules, yields between them excluded. */
  rulesMs: number;
  /** CPU time of the three (process.cpuUsage, user + system): on a busy machine, unlike the clock, it counts only our work. */
  cpuMs: number;
}

function addCpu(total: NodeJS.CpuUsage, more: NodeJS.CpuUsage): NodeJS.CpuUsage {
  return { user: total.user + more.user, system: total.system + more.system };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Linter {
  private readonly parser;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly results = new Map<string, { version: number; diagnoses: Diagnosis[] }>();
  private readonly indexes = new Map<string, { version: number; file: SourceFile }>();
  /** Documents whose skip reason was already logged, so that a huge file does not flood the log on every keystroke. */
  private readonly skipped = new Set<string>();
  private lastParseMs = 0;
  private lastIndexMs = 0;

  constructor(
    private readonly grammar: PythonGrammar,
    private readonly host: LinterHost,
    private readonly debounceMs = DEFAULT_DEBOUNCE_MS,
  ) {
    this.parser = grammar.newParser();
  }

  /** Analyse after a quiet moment; a newer call for the same document replaces this one. */
  schedule(document: ParsedDocument): void {
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        void this.run(document);
      }, this.debounceMs),
    );
  }

  /** Analyses now, yielding between rules; returns false when a newer version made the run pointless. */
  async run(document: ParsedDocument): Promise<boolean> {
    const version = document.version;
    this.lastParseMs = this.lastIndexMs = 0;
    const cpuStart = process.cpuUsage();
    const file = this.indexOf(document);
    // Parse and index; each rule's share is added below (the turns between rules belong to others).
    let cpu = process.cpuUsage(cpuStart);
    const { lastParseMs: parseMs, lastIndexMs: indexMs } = this;
    let rulesMs = 0;
    if (!file) {
      this.finish(document, version, []);
      return true;
    }
    const settings = this.host.settings();
    const noqa = noqaComments(file);
    const diagnoses: Diagnosis[] = [];
    for (const rule of enabledRules(settings)) {
      await nextTurn();
      // An edit may have arrived meanwhile; the tree behind `file` is then no longer ours to read.
      if (document.version !== version || document.disposed) return false;
      const ruleStart = performance.now();
      const ruleCpu = process.cpuUsage();
      diagnoses.push(...this.safely(rule.codes.join(','), () => runRule(rule, file, settings, noqa)));
      rulesMs += performance.now() - ruleStart;
      cpu = addCpu(cpu, process.cpuUsage(ruleCpu));
    }
    this.finish(document, version, diagnoses);
    this.host.timing?.({ uri: document.uri, version, lines: file.root.endPosition.row + 1, parseMs, indexMs, rulesMs, cpuMs: cpu.user / 1000 + cpu.system / 1000 });
    return true;
  }

  /** Diagnoses of the current version, computed on the spot if the last run is older (code action requests). */
  diagnosesNow(document: ParsedDocument): Diagnosis[] {
    const cached = this.results.get(document.uri);
    if (cached?.version === document.version) return cached.diagnoses;
    const file = this.indexOf(document);
    if (!file) return [];
    const settings = this.host.settings();
    const noqa = noqaComments(file);
    return enabledRules(settings).flatMap((rule) => this.safely(rule.codes.join(','), () => runRule(rule, file, settings, noqa)));
  }

  /** The indexed syntax tree of the current version, or undefined for files not analysed (binary, huge). */
  indexOf(document: ParsedDocument): SourceFile | undefined {
    const cached = this.indexes.get(document.uri);
    if (cached?.version === document.version) return cached.file;
    const reason = skipReason(document.text);
    if (reason) {
      if (!this.skipped.has(document.uri)) this.host.log(`Not analysing ${document.uri}: ${reason}.`);
      this.skipped.add(document.uri);
      return undefined;
    }
    this.skipped.delete(document.uri);
    const parseStart = performance.now();
    const tree = document.parse(this.parser);
    const indexStart = performance.now();
    const file = indexSourceFile(this.grammar, tree, document.text, this.host.modules?.(document));
    this.lastParseMs = indexStart - parseStart;
    this.lastIndexMs = performance.now() - indexStart;
    this.indexes.set(document.uri, { version: document.version, file });
    return file;
  }

  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.results.delete(uri);
    this.indexes.delete(uri);
    this.skipped.delete(uri);
  }

  private finish(document: ParsedDocument, version: number, diagnoses: Diagnosis[]): void {
    this.results.set(document.uri, { version, diagnoses });
    this.host.publish(document, diagnoses);
  }

  /** A bug in one rule costs that rule's findings, not the others' nor the server. */
  private safely(rule: string, check: () => Diagnosis[]): Diagnosis[] {
    try {
      return check();
    } catch (err) {
      this.host.log(`Rule ${rule} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return [];
    }
  }
}
