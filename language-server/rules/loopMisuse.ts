// ALENS011: get_event_loop() in a coroutine; ALENS012: starting an event loop from inside a running one.
import type { Node } from 'web-tree-sitter';
import { finding, replaceNode, type Finding, type Fix } from '../analysis/finding';
import { asyncioModule, awaitText } from '../analysis/fixes';
import { t } from '../messages';
import { namedChildrenOf } from '../syntax/nodes';
import type { Rule } from './rule';

const LOOP_RUNNERS = new Set(['run_until_complete', 'run_forever']);

export const getEventLoopRule: Rule = {
  codes: ['ALENS011'],
  check(file) {
    const findings: Finding[] = [];
    for (const { node: call, callee: fn, qualified, inCoroutine } of file.calls) {
      if (!fn || qualified !== 'asyncio.get_event_loop' || !inCoroutine) continue;
      const asyncio = asyncioModule(file);
      const fix: Fix = {
        title: t('Use asyncio.get_running_loop()'),
        edits: [...asyncio.importEdits, replaceNode(fn, `${asyncio.name}.get_running_loop`)],
        preferred: true,
      };
      findings.push(
        finding('ALENS011', call, t('In a coroutine, prefer asyncio.get_running_loop(): it is the documented way to get the running loop, while get_event_loop() is the legacy API whose behaviour outside a running loop changed across versions.'), [fix]),
      );
    }
    return findings;
  },
};

export const nestedEventLoopRule: Rule = {
  codes: ['ALENS012'],
  check(file) {
    const findings: Finding[] = [];
    for (const { node: call, callee: fn, calleeName, qualified, inCoroutine } of file.calls) {
      if (!fn || !inCoroutine) continue;
      const isAsyncioRun = qualified === 'asyncio.run';
      const method = calleeName?.includes('.') ? calleeName.slice(calleeName.lastIndexOf('.') + 1) : undefined;
      if (!(isAsyncioRun || (method && LOOP_RUNNERS.has(method)))) continue;
      const name = isAsyncioRun ? fn.text : method!;
      findings.push(
        finding(
          'ALENS012',
          call,
          t('{0}() inside a coroutine raises RuntimeError: an event loop is already running in this thread. Await the coroutine instead.', name),
          awaitArgumentFix(call, method === 'run_forever'),
        ),
      );
    }
    return findings;
  },
};

/** `asyncio.run(main())` → `await main()`, when the call has exactly one positional argument. */
function awaitArgumentFix(call: Node, runsForever: boolean): Fix[] {
  const args = namedChildrenOf(call.childForFieldName('arguments') ?? call);
  if (runsForever || args.length !== 1 || args[0].type === 'keyword_argument') return [];
  return [{ title: t('Await the coroutine instead'), edits: [replaceNode(call, awaitText(call, args[0].text))], preferred: true }];
}
