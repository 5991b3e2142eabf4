// "Run" and "Debug with tasks" above the entry point of a file that uses asyncio.
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import { namedChildrenOf } from '../syntax/nodes';
import type { TextRange } from '../analysis/finding';
import { Commands } from '../../extension/ids';

export interface Lens {
  range: TextRange;
  title: string;
  command: string;
}

const MAIN_GUARD = /^__name__\s*==\s*['"]__main__['"]$|^['"]__main__['"]\s*==\s*__name__$/;

/** One pair of lenses per entry point: the `if __name__ == "__main__":` line, else each top-level asyncio.run(). */
export function entryPointLenses(file: SourceFile): Lens[] {
  if (!file.usesAsyncio) return [];
  const statements = namedChildrenOf(file.root);
  const guards = statements.filter((s) => s.type === 'if_statement' && MAIN_GUARD.test(s.childForFieldName('condition')?.text ?? ''));
  const entries = guards.length
    ? guards
    : statements.filter((s) => {
        const call = s.type === 'expression_statement' ? s.firstNamedChild : null;
        return call?.type === 'call' && file.qualifiedName(call.childForFieldName('function')) === 'asyncio.run';
      });
  return entries.flatMap((entry) => {
    const range = { start: entry.startPosition, end: entry.startPosition };
    return [
      { range, title: `$(play) ${t('Run')}`, command: Commands.runCurrentFile },
      { range, title: `$(debug-alt) ${t('Debug with tasks')}`, command: Commands.debugCurrentFile },
    ];
  });
}
