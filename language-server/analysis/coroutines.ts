// Which calls make a coroutine: asyncio's coroutine functions, and `async def`s this file defines.
import type { Node } from 'web-tree-sitter';
import type { CallSite, SourceFile } from './sourceFile';
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
  /** Receiver text (`q`, `self._lock`) → asyncio class it was assigned from, when assigned exactly once. */
  private readonly asyncioInstances = new Map<string, string | null>();
  /** Scope node id (def, class or module) → name → true when only `async def`s bind it there; filled on demand. */
  private readonly bindings = new Map<number, Map<string, boolean>>();
  private readonly outerScopes = new Map<number, Node | null>();
  /** Every name some `async def` in the file defines: no other name can be a coroutine function of this file. */
  private readonly asyncDefNames: ReadonlySet<string>;
  /** Module-level classes by name (null when the name is bound more than once). */
  private readonly moduleClasses = new Map<string, Node | null>();
  /** Receiver text → class of this file it was assigned an instance of (`client = Client()`), when assigned exactly once. */
  private readonly localInstances = new Map<string, Node | null>();

  constructor(private readonly file: SourceFile) {
    this.asyncDefNames = new Set([...file.text.matchAll(/\basync\s+def\s+([A-Za-z_]\w*)/g)].map((m) => m[1]));
    if (this.asyncDefNames.size) this.indexModuleClasses();
    for (const site of file.calls) {
      const cls = site.qualified;
      const isAsyncioClass = cls !== undefined && cls in ASYNCIO_CLASS_COROUTINES;
      const localClass = isAsyncioClass ? undefined : this.classInstantiatedBy(site);
      if (!isAsyncioClass && !localClass) continue;
      const assignment = site.node.parent;
      if (assignment?.type !== 'assignment' || !assignment.childForFieldName('right')?.equals(site.node)) continue;
      const assigned = dottedName(assignment.childForFieldName('left'));
      if (!assigned) continue;
      const target = instanceKey(site.scope, assigned);
      if (isAsyncioClass) {
        const previous = this.asyncioInstances.get(target);
        this.asyncioInstances.set(target, previous === undefined || previous === cls ? cls : null);
      } else {
        const previous = this.localInstances.get(target);
        this.localInstances.set(target, previous === undefined || previous?.equals(localClass!) ? localClass! : null);
      }
    }
    // Assigned some other way too (`q = make_queue()` elsewhere)? Then its type is not known.
    const scopeTexts = new Map<number, string>(file.calls.flatMap(({ scope }) => (scope ? [[scope.id, ''] as [number, string]] : [])));
    for (const instances of [this.asyncioInstances, this.localInstances] as Map<string, unknown>[]) {
      for (const key of instances.keys()) {
        const [scopeId, target] = splitInstanceKey(key);
        let text = file.text;
        if (scopeId !== undefined) {
          const scope = file.calls.find((site) => site.scope?.id === scopeId)!.scope!;
          text = scopeTexts.get(scopeId) || scope.text;
          scopeTexts.set(scopeId, text);
        }
        if (assignmentCount(text, target) !== 1) instances.set(key, null);
      }
    }
  }

  private indexModuleClasses(): void {
    for (const statement of namedChildrenOf(this.file.root)) {
      const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (definition?.type !== 'class_definition') continue;
      const name = definition.childForFieldName('name')?.text;
      if (name) this.moduleClasses.set(name, this.moduleClasses.has(name) ? null : definition);
    }
  }

  /** The class of this file a call instantiates: `Client()`, or `cls()` inside a classmethod. */
  private classInstantiatedBy(site: CallSite): Node | undefined {
    const name = site.calleeName;
    if (!name || !this.asyncDefNames.size) return undefined;
    if (name === 'cls') {
      const fn = site.scope;
      return (fn?.type === 'function_definition' ? enclosingClass(fn) : null) ?? undefined;
    }
    return this.file.imports.has(name) ? undefined : (this.moduleClasses.get(name) ?? undefined);
  }

  /** A readable name of the coroutine function the call calls, or undefined when it is not known to be one. */
  coroutineCalled(site: CallSite): string | undefined {
    return this.knownInFile(site) ?? this.knownThroughTypes(site);
  }

  /**
   * Through type inference: imported functions and classes (the workspace, site-packages), asyncio's API
   * (`writer.drain()` after `open_connection`), parameters and attributes annotated with a class.
   */
  private knownThroughTypes(site: CallSite): string | undefined {
    const callee = site.callee;
    const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.type === 'identifier' ? callee.text : undefined;
    if (!callee || !name || !this.file.coroutineNames.has(name)) return undefined;
    const types = this.file.types;
    return types.callResult(types.typeOf(callee))?.kind === 'coroutine' ? (site.calleeName ?? callee.text) : undefined;
  }

  private knownInFile(site: CallSite): string | undefined {
    const { calleeName, qualified } = site;
    if (!calleeName) return undefined;
    if (qualified && ASYNCIO_COROUTINE_FUNCTIONS.has(qualified)) return calleeName;
    const dot = calleeName.lastIndexOf('.');
    const name = calleeName.slice(dot + 1);
    if (dot < 0) return this.asyncDefNames.has(name) && this.isLocalCoroutineFunction(site, name) ? calleeName : undefined;
    const receiver = calleeName.slice(0, dot);
    if (receiver === 'self' || receiver === 'cls') return this.asyncDefNames.has(name) && this.isMethodCoroutine(site, name) ? calleeName : undefined;
    const method = name;
    const key = instanceKey(site.scope, receiver);
    const cls = this.asyncioInstances.get(key);
    if (cls) return ASYNCIO_CLASS_COROUTINES[cls].includes(method) ? calleeName : undefined;
    if (!this.asyncDefNames.has(method)) return undefined;
    // `Client.create()` through the class, or `client.connect()` on an instance made in this file.
    const localClass = this.localInstances.get(key) ?? (this.file.imports.has(receiver) ? undefined : this.moduleClasses.get(receiver));
    return localClass && this.bindingVerdict(localClass, method) ? calleeName : undefined;
  }

  /** The `async def` a plain-name call calls (`fetch()`), when it is the only statement binding that name in its scope. */
  localCoroutineDefinition(site: CallSite): Node | undefined {
    const name = site.calleeName;
    if (!name || name.includes('.') || !this.asyncDefNames.has(name)) return undefined;
    const scope = this.bindingScope(site, name);
    if (!scope || !this.bindingVerdict(scope, name)) return undefined;
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    const definitions = namedChildrenOf(body!)
      .map((statement) => (statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement))
      .filter((definition) => definition?.type === 'function_definition' && definition.childForFieldName('name')?.text === name);
    return definitions.length === 1 ? definitions[0]! : undefined;
  }

  private isLocalCoroutineFunction(site: CallSite, name: string): boolean {
    const scope = this.bindingScope(site, name);
    return scope ? this.bindingVerdict(scope, name)! : false;
  }

  /** Looks `name` up as Python would, from the innermost function out to the module (class bodies are skipped). */
  private bindingScope(site: CallSite, name: string): Node | undefined {
    for (let fn = site.scope; fn; fn = this.outerScope(fn)) {
      if (fn.type === 'function_definition' && this.bindingVerdict(fn, name) !== undefined) return fn;
    }
    return this.bindingVerdict(this.file.root, name) === undefined ? undefined : this.file.root;
  }

  private isMethodCoroutine(site: CallSite, method: string): boolean {
    const fn = site.scope;
    const cls = fn?.type === 'function_definition' ? enclosingClass(fn) : null;
    return (cls && this.bindingVerdict(cls, method)) ?? false;
  }

  private outerScope(fn: Node): Node | null {
    let outer = this.outerScopes.get(fn.id);
    if (outer === undefined) {
      outer = enclosingFunction(fn);
      this.outerScopes.set(fn.id, outer);
    }
    return outer;
  }

  /** How `scope` (module, class or def, parameters included) binds `name`; undefined when it does not. */
  private bindingVerdict(scope: Node, name: string): boolean | undefined {
    let table = this.bindings.get(scope.id);
    if (!table) {
      const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
      table = body ? bindingTable(body) : new Map<string, boolean>();
      if (scope.type === 'function_definition') for (const parameter of parameterNames(scope)) table.set(parameter, false);
      this.bindings.set(scope.id, table);
    }
    return table.get(name);
  }
}

/**
 * Plain names are local to their function (`client` in two functions is two variables); attribute
 * chains such as `self._queue` are looked up file-wide.
 */
function instanceKey(scope: Node | null, target: string): string {
  return target.includes('.') || scope === null ? `*:${target}` : `${scope.id}:${target}`;
}

function splitInstanceKey(key: string): [number | undefined, string] {
  const colon = key.indexOf(':');
  const scope = key.slice(0, colon);
  return [scope === '*' ? undefined : Number(scope), key.slice(colon + 1)];
}

function assignmentCount(text: string, target: string): number {
  const escaped = target.replace(/[.]/g, '\\.');
  return text.match(new RegExp(`(^|[^\\w.])${escaped}\\s*(:[^=\\n]*)?=(?!=)`, 'gm'))?.length ?? 0;
}

/**
 * How a block binds names with its own statements: true for a name bound only by undecorated (or
 * transparently decorated) `async def`s, false for a name bound any other way.
 */
function bindingTable(block: Node): Map<string, boolean> {
  const table = new Map<string, boolean>();
  const bind = (name: string, isCoroutine: boolean) => table.set(name, (table.get(name) ?? true) && isCoroutine);
  for (const statement of namedChildrenOf(block)) {
    const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (!definition) continue;
    if (definition.type === 'function_definition' || definition.type === 'class_definition') {
      const name = definition.childForFieldName('name')?.text;
      if (!name) continue;
      const transparent = decoratorsOf(definition).every((decorator) => TRANSPARENT_DECORATOR.test(decorator));
      bind(name, definition.type === 'function_definition' && isAsyncFunction(definition) && transparent);
    } else {
      for (const name of namesBoundByStatement(definition)) bind(name, false);
    }
  }
  return table;
}

/** Names an assignment or import statement binds (roughly: every identifier on the left, every imported name). */
function namesBoundByStatement(statement: Node): string[] {
  if (statement.type === 'expression_statement') {
    const assignment = statement.firstNamedChild;
    if (assignment?.type !== 'assignment' && assignment?.type !== 'augmented_assignment') return [];
    const left = assignment.childForFieldName('left')?.text ?? '';
    return [...left.matchAll(/(?<![\w.])[A-Za-z_]\w*/g)].map((m) => m[0]);
  }
  if (statement.type === 'import_statement' || statement.type === 'import_from_statement') {
    return [...statement.text.matchAll(/[A-Za-z_]\w*/g)].map((m) => m[0]);
  }
  return [];
}

function parameterNames(fn: Node): string[] {
  const parameters = fn.childForFieldName('parameters');
  if (!parameters) return [];
  return namedChildrenOf(parameters).map((parameter) => {
    const name = parameter.type === 'identifier' ? parameter : (parameter.childForFieldName('name') ?? parameter.firstNamedChild);
    return name?.text ?? '';
  });
}
