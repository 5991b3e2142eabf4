// ALENS003–007: calls that block the event loop thread when made inside `async def`.
import type { Node } from 'web-tree-sitter';
import { finding, replaceNode, type Finding, type Fix } from '../analysis/finding';
import { asyncioModule, awaitText, toThreadText } from '../analysis/fixes';
import type { SourceFile } from '../analysis/sourceFile';
import { t } from '../messages';
import type { RuleCode } from './catalog';
import type { Rule } from './rule';

type FixKind = 'asyncio.sleep' | 'to_thread' | 'none';

interface BlockingCall {
  code: RuleCode;
  fix: FixKind;
  /** What to use instead, shown in the message. */
  instead: string;
}

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const SUBPROCESS_RUNNERS = ['run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput'];
const OS_WAITS = ['wait', 'wait3', 'wait4', 'waitpid', 'waitid'];
const OS_SPAWNS = ['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'posix_spawn', 'posix_spawnp'];

const BLOCKING_CALLS = new Map<string, BlockingCall>([
  ['time.sleep', { code: 'ALENS003', fix: 'asyncio.sleep', instead: 'await asyncio.sleep()' }],
  ...['requests', 'httpx'].flatMap((module) =>
    HTTP_VERBS.map((verb) => [`${module}.${verb}`, { code: 'ALENS004', fix: 'to_thread', instead: 'aiohttp / httpx.AsyncClient' }] as const),
  ),
  ['httpx.stream', { code: 'ALENS004', fix: 'none', instead: 'httpx.AsyncClient().stream()' }],
  ['urllib.request.urlopen', { code: 'ALENS004', fix: 'to_thread', instead: 'await asyncio.to_thread()' }],
  ...SUBPROCESS_RUNNERS.map((fn) => [`subprocess.${fn}`, { code: 'ALENS005', fix: 'to_thread', instead: 'asyncio.create_subprocess_exec()' }] as const),
  ['subprocess.Popen', { code: 'ALENS005', fix: 'none', instead: 'asyncio.create_subprocess_exec()' }],
  ['os.system', { code: 'ALENS005', fix: 'to_thread', instead: 'asyncio.create_subprocess_shell()' }],
  ['os.popen', { code: 'ALENS005', fix: 'none', instead: 'asyncio.create_subprocess_shell()' }],
  ...OS_SPAWNS.map((fn) => [`os.${fn}`, { code: 'ALENS005', fix: 'none', instead: 'asyncio.create_subprocess_exec()' }] as const),
  ...OS_WAITS.map((fn) => [`os.${fn}`, { code: 'ALENS005', fix: 'to_thread', instead: 'await process.wait()' }] as const),
  ['builtins.open', { code: 'ALENS006', fix: 'none', instead: 'await asyncio.to_thread() or aiofiles' }],
  ['io.open', { code: 'ALENS006', fix: 'none', instead: 'await asyncio.to_thread() or aiofiles' }],
  ['builtins.input', { code: 'ALENS007', fix: 'to_thread', instead: 'await asyncio.to_thread(input)' }],
] as [string, BlockingCall][]);

export const blockingCallRule: Rule = {
  codes: ['ALENS003', 'ALENS004', 'ALENS005', 'ALENS006', 'ALENS007'],
  check(file) {
    const findings: Finding[] = [];
    for (const { node: call, qualified: name, inCoroutine } of file.calls) {
      const blocking = name === undefined ? undefined : BLOCKING_CALLS.get(name);
      if (!blocking || !inCoroutine) continue;
      const message = t('{0}() blocks the event loop: no other task runs until it returns. Use {1} instead.', name!.replace(/^builtins\./, ''), blocking.instead);
      findings.push(finding(blocking.code, call, message, fixesFor(file, call, blocking.fix)));
    }
    return findings;
  },
};

function fixesFor(file: SourceFile, call: Node, kind: FixKind): Fix[] {
  // `await` inside a generator expression would turn it into an async generator: leave those alone.
  if (kind === 'none' || hasAncestor(call, 'generator_expression')) return [];
  const asyncio = asyncioModule(file);
  if (kind === 'asyncio.sleep') {
    const args = call.childForFieldName('arguments')?.text ?? '()';
    const edit = replaceNode(call, awaitText(call, `${asyncio.name}.sleep${args}`));
    return [{ title: t('Replace with await asyncio.sleep()'), edits: [...asyncio.importEdits, edit], preferred: true }];
  }
  const text = toThreadText(call, asyncio.name);
  if (!text) return [];
  return [{ title: t('Run it in a worker thread with await asyncio.to_thread()'), edits: [...asyncio.importEdits, replaceNode(call, text)], preferred: true }];
}

function hasAncestor(node: Node, type: string): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === type) return true;
    if (current.type === 'function_definition') return false;
  }
  return false;
}
