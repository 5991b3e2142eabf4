// ALENS001: a task created and dropped. The loop keeps only a weak reference, so the task can vanish mid-run.
import type { Node } from 'web-tree-sitter';
import { isExpectedToRaise } from '../analysis/expectedRaise';
import { finding, type Finding, type Fix } from '../analysis/finding';
import { addAwait } from '../analysis/fixes';
import type { CallSite, SourceFile } from '../analysis/sourceFile';
import { unreadAssignmentTarget } from '../analysis/unreadLocal';
import { t } from '../messages';
import { isBareExpressionStatement, isInCoroutine } from '../syntax/nodes';
import { keepReferenceFix, keepVariableFix } from './keepReferenceFix';
import type { Rule } from './rule';
import { taskGroupFix } from './taskGroupFix';

const TASK_FACTORIES = new Set(['asyncio.create_task', 'asyncio.ensure_future']);
const GATHER = 'asyncio.gather';
const LOOP_GETTERS = new Set(['asyncio.get_running_loop', 'asyncio.get_event_loop', 'asyncio.new_event_loop']);
/** Receivers that are event loops by name (`loop`, `self._loop`, `event_loop`); a TaskGroup keeps its tasks itself. */
const LOOP_NAME = /(^|\.)_?(event_)?loop$/;
/** Methods that call a callback and throw away what it returns. */
const CALLBACK_TAKERS = /\.(call_soon|call_soon_threadsafe|call_later|call_at|add_done_callback|add_signal_handler|add_reader|add_writer)$/;
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression', 'dictionary_comprehension']);

export const danglingTaskRule: Rule = {
  codes: ['ALENS001'],
  check(file) {
    const findings: Finding[] = [];
    for (const site of file.calls) {
      const factory = taskFactoryName(file, site);
      if (!factory) continue;
      const call = site.node;
      const isGather = site.qualified === GATHER;
      if (isExpectedToRaise(file, call)) continue;
      if (isBareExpressionStatement(call)) {
        findings.push(isGather ? droppedGather(call, factory) : droppedTask(file, site, factory));
        continue;
      }
      const variable = unreadAssignmentTarget(call);
      if (variable) {
        const message = t('The task made by {0}() is kept only in {1}, which is never read: once the function returns nothing holds it, and it can disappear before it finishes. Keep it in a set, or await it.', factory, variable);
        findings.push(finding('ALENS001', call, message, [keepVariableFix(file, call.parent!.parent!, variable)]));
        continue;
      }
      const comprehension = call.parent;
      if (comprehension && COMPREHENSIONS.has(comprehension.type) && comprehension.childForFieldName('body')?.equals(call) && isDroppedValue(comprehension)) {
        findings.push(finding('ALENS001', call, t('The tasks made by {0}() in this comprehension are dropped: the event loop keeps only weak references, so they can disappear before they finish. Keep them, or use a TaskGroup.', factory)));
        continue;
      }
      const taker = callbackTaker(call);
      if (taker) {
        findings.push(finding('ALENS001', call, t('{0}() throws away what the lambda returns, so the task made by {1}() is dropped and can disappear before it finishes: the event loop keeps only a weak reference. Keep a reference, e.g. in a set.', taker, factory)));
      }
    }
    return findings;
  },
};

function droppedTask(file: SourceFile, site: CallSite, factory: string): Finding {
  const taskGroup = taskGroupFix(file, site);
  return finding(
    'ALENS001',
    site.node,
    t('The task made by {0}() is dropped: the event loop keeps only a weak reference, so it can disappear before it finishes. Keep a reference, or use a TaskGroup.', factory),
    taskGroup ? [keepReferenceFix(file, site.node), taskGroup] : [keepReferenceFix(file, site.node)],
  );
}

/** A bare `asyncio.gather(…)`: in a coroutine the await was most likely forgotten. */
function droppedGather(call: Node, factory: string): Finding {
  const fixes: Fix[] = isInCoroutine(call) ? [{ title: t('Add await'), edits: [addAwait(call)], preferred: true }] : [];
  return finding(
    'ALENS001',
    call,
    t('The future made by {0}() is dropped: nobody waits for its tasks, which can disappear before they finish, and their exceptions go unseen. Await it, or keep a reference.', factory),
    fixes,
  );
}

/** A comprehension that is a statement of its own, or stored in a local that is never read. */
function isDroppedValue(expression: Node): boolean {
  return isBareExpressionStatement(expression) || unreadAssignmentTarget(expression) !== undefined;
}

/** `loop.call_soon(lambda: asyncio.create_task(…))`: the name of the method that drops the lambda's result. */
function callbackTaker(call: Node): string | undefined {
  const lambda = call.parent;
  if (lambda?.type !== 'lambda' || !lambda.childForFieldName('body')?.equals(call)) return undefined;
  const takerCall = lambda.parent?.type === 'argument_list' ? lambda.parent.parent : null;
  const callee = takerCall?.type === 'call' ? takerCall.childForFieldName('function')?.text.replace(/\s+/g, '') : undefined;
  return callee && CALLBACK_TAKERS.test(callee) ? callee : undefined;
}

function taskFactoryName(file: SourceFile, site: CallSite): string | undefined {
  if (site.qualified && (TASK_FACTORIES.has(site.qualified) || site.qualified === GATHER)) return site.qualified;
  if (site.calleeName !== undefined) {
    const receiver = site.calleeName.match(/^(.*)\.create_task$/)?.[1];
    return receiver && LOOP_NAME.test(receiver) ? site.calleeName : undefined;
  }
  // `asyncio.get_running_loop().create_task(…)`: the receiver is a call, so the callee is no plain name.
  const fn = site.callee;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'create_task') return undefined;
  const receiver = fn.childForFieldName('object');
  return receiver?.type === 'call' && LOOP_GETTERS.has(file.qualifiedName(receiver.childForFieldName('function')) ?? '') ? fn.text : undefined;
}
