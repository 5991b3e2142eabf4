// `# noqa` comments: bare ones silence every rule on their line, `# noqa: A, B` only the codes listed.
import { RULES, type RuleCode } from '../rules/catalog';
import type { SourceFile } from './sourceFile';

const NOQA = /#\s*noqa(?:\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?/i;

/** Row → the codes silenced there, or 'all'. */
export type NoqaMap = ReadonlyMap<number, ReadonlySet<string> | 'all'>;

export function noqaComments(file: SourceFile): NoqaMap {
  const map = new Map<number, Set<string> | 'all'>();
  for (const comment of file.comments) {
    const match = NOQA.exec(comment.text);
    if (!match) continue;
    const row = comment.startPosition.row;
    map.set(row, match[1] ? new Set(match[1].toUpperCase().split(/[\s,]+/)) : 'all');
  }
  return map;
}

/** True when a noqa comment on the first or last line of the finding names its code or a linter alias of it. */
export function isSuppressed(noqa: NoqaMap, code: RuleCode, rows: readonly number[]): boolean {
  return rows.some((row) => {
    const codes = noqa.get(row);
    if (codes === undefined) return false;
    return codes === 'all' || codes.has(code) || RULES[code].aliases.some((alias) => codes.has(alias));
  });
}
