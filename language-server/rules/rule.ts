import type { Finding } from '../analysis/finding';
import type { SourceFile } from '../analysis/sourceFile';
import type { RuleCode } from './catalog';

/** A pure check: an indexed syntax tree in, findings (with their quick fixes) out. */
export interface Rule {
  /** The codes this rule may report. */
  codes: readonly RuleCode[];
  check(file: SourceFile): Finding[];
}
