// Which calls make a coroutine: asyncio's coroutine functions, and `async def`s this file defines.
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from './sourceFile';
import { decoratorsOf, dottedName, enclosingClass, enclosingFunction, isAsyncFunction, namedChildrenOf } from '../syntax/nodes';

/** asyncio functions defined with `async def` (calling them only makes a coroutine object). */
export const ASYNCIO_COROUTINE_FUNCTIONS = new Set(
  [
    'sleep', 'wait', 'wait_for', 'to_thread', 'open_connection', 'start_server', 'open_unix_connection',
    'start_unix_server', 'create_subprocess_exec', 'create_subprocess_shell', 'staggered.staggered_race',
  ].map((name) => `asyncio.${name}`),
);

/** Coroutine methods of the asyncio classes a file constructs itself (`q = asyncio.Queue()` … `q.get()`). */
const ASYNCIO_CLASS_COROUTINES: Record<string, readonly string[]> = {
  'asyncio.Queue': ['get', 'put', 'join'],
  'asyncio.LifoQueue': ['get', 'put', 'join'],
  'asyncio.PriorityQueue': ['get', 'put', 'join'],
  'asyncio.Lock': ['acquire'],
  'asyncio.Event': ['wait'],
  'asyncio.Condition': ['acquire', 'wait', 'wait_for'],
  'asyncio.Semaphore': ['acquire'],
  'asyncio.BoundedSemaphore': ['acquire'],
  'asyncio.Barrier': ['wait', 'reset', 'abort'],
};

/** Decorators that keep an `async def` a coroutine function; any other decorator may wrap it into anything. */
const TRANSPARENT_DECORATOR = /^(staticmethod|classmethod|(abc\.)?abstractmethod|(typing(_extensions)?\.)?(override|final))$/;

export class CoroutineIndex {
  /** Receiver text (`q`, `self._lock`) → asyncio class it was assigned from, when assigned exactly one way. */
  private readonly asyncioInstances = new Map<string, string | null>();

  constructor(private readonly file: SourceFile) {
    for (const call of file.calls) {
      const assignment = call.parent;
      if (assignment?.type !== 'assignment' || !assignment.childForFieldName('right')?.equals(call)) continue;
      const target = dottedName(assignment.childForFieldName('left'));
      if (!target) continue;
      const cls = file.qualifiedName(call.childForFieldName('function'));
      const known = cls && cls in ASYNCIO_CLASS_COROUTINES ? cls : null;
      const previous = this.asyncioInstances.get(target);
      this.asyncioInstances.set(target, previous === undefined || previous === known ? known : null);
    }
  }

  /** A readable name of the coroutine function `call` calls, or undefined when it is not known to be one. */
  coroutineCalled(call: Node): string | undefined {
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const qualified = this.file.qualifiedName(fn);
    if (qualified && ASYNCIO_COROUTINE_FUNCTIONS.has(qualified)) return fn.text;
    if (fn.type === 'identifier') return this.isLocalCoroutineFunction(call, fn.text) ? fn.text : undefined;
    if (fn.type !== 'attribute') return undefined;
    const receiver = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text ?? '';
    if (receiver?.type === 'identifier' && (receiver.text === 'self' || receiver.text === 'cls')) {
      return this.isMethodCoroutine(call, method) ? fn.text : undefined;
    }
    const receiverName = dottedName(receiver);
    const cls = receiverName ? this.asyncioInstances.get(receiverName) : undefined;
    return cls && ASYNCIO_CLASS_COROUTINES[cls].includes(method) ? fn.text : undefined;
  }

  /** Looks `name` up as Python would, from the innermost function out to the module (class bodies are skipped). */
  private isLocalCoroutineFunction(from: Node, name: string): boolean {
    for (let fn = enclosingFunction(from); fn; fn = enclosingFunction(fn)) {
      if (fn.type !== 'function_definition') continue;
      if (parameterNames(fn).includes(name)) return false;
      const verdict = bindingVerdict(fn.childForFieldName('body'), name);
      if (verdict !== undefined) return verdict;
    }
    return bindingVerdict(this.file.root, name) ?? false;
  }

  private isMethodCoroutine(call: Node, method: string): boolean {
    const fn = enclosingFunction(call);
    const cls = fn?.type === 'function_definition' ? enclosingClass(fn) : null;
    return (cls && bindingVerdict(cls.childForFieldName('body'), method)) ?? false;
  }
}

/**
 * How a block binds `name` with its own statements: true when only by undecorated (or transparently
 * decorated) `async def`s, false when any other way, undefined when it does not bind it.
 */
function bindingVerdict(block: Node | null, name: string): boolean | undefined {
  if (!block) return undefined;
  let verdict: boolean | undefined;
  for (const statement of namedChildrenOf(block)) {
    const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (!definition) continue;
    if (definition.type === 'function_definition' || definition.type === 'class_definition') {
      if (definition.childForFieldName('name')?.text !== name) continue;
      const transparent = decoratorsOf(definition).every((decorator) => TRANSPARENT_DECORATOR.test(decorator));
      const isCoroutine = definition.type === 'function_definition' && isAsyncFunction(definition) && transparent;
      verdict = (verdict ?? true) && isCoroutine;
    } else if (bindsByStatement(definition, name)) {
      verdict = false;
    }
  }
  return verdict;
}

function bindsByStatement(statement: Node, name: string): boolean {
  if (statement.type === 'expression_statement') {
    const assignment = statement.firstNamedChild;
    if (assignment?.type !== 'assignment' && assignment?.type !== 'augmented_assignment') return false;
    const left = assignment.childForFieldName('left');
    return left !== null && new RegExp(`(^|[^\\w.])${name}\\b`).test(left.text);
  }
  if (statement.type === 'import_statement' || statement.type === 'import_from_statement') {
    return new RegExp(`\\b${name}\\b`).test(statement.text);
  }
  return false;
}

function parameterNames(fn: Node): string[] {
  const parameters = fn.childForFieldName('parameters');
  if (!parameters) return [];
  return namedChildrenOf(parameters).map((parameter) => {
    const name = parameter.type === 'identifier' ? parameter : (parameter.childForFieldName('name') ?? parameter.firstNamedChild);
    return name?.text ?? '';
  });
}
