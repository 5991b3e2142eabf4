// ALENS013: asyncio.wait() given coroutines, a TypeError since Python 3.11 (and a deprecation before).
import type { Node } from 'web-tree-sitter';
import { CoroutineIndex } from '../analysis/coroutines';
import { finding, replaceNode, type Finding } from '../analysis/finding';
import { asyncioModule } from '../analysis/fixes';
import { t } from '../messages';
import { namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const LITERALS = new Set(['list', 'set', 'tuple']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression']);

export const waitBareCoroutinesRule: Rule = {
  codes: ['ALENS013'],
  check(file) {
    const findings: Finding[] = [];
    let coroutines: CoroutineIndex | undefined;
    for (const { node: call, qualified } of file.calls) {
      if (qualified !== 'asyncio.wait') continue;
      const argument = namedChildrenOf(call.childForFieldName('arguments') ?? call)[0];
      if (!argument) continue;
      coroutines ??= new CoroutineIndex(file);
      const index = coroutines;
      const bare = awaitableElements(argument).filter((element) => {
        const site = element.type === 'call' ? file.calls.find((candidate) => candidate.node.equals(element)) : undefined;
        return site !== undefined && index.coroutineCalled(site) !== undefined;
      });
      if (bare.length === 0) continue;
      const asyncio = asyncioModule(file);
      const edits = [...asyncio.importEdits, ...bare.map((element) => replaceNode(element, `${asyncio.name}.create_task(${element.text})`))];
      findings.push(
        finding(
          'ALENS013',
          argument,
          t('asyncio.wait() takes tasks or futures; passing coroutines is a TypeError since Python 3.11. Wrap them in asyncio.create_task().'),
          [{ title: t('Wrap the coroutines in asyncio.create_task()'), edits, preferred: true }],
        ),
      );
    }
    return findings;
  },
};

function awaitableElements(argument: Node): Node[] {
  if (LITERALS.has(argument.type)) return namedChildrenOf(argument);
  if (COMPREHENSIONS.has(argument.type)) {
    const body = argument.childForFieldName('body');
    return body ? [body] : [];
  }
  return [];
}
