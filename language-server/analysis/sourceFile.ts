// One parse of a Python file, indexed once for all rules: the nodes they look at and what imported names mean.
import type { Node, Tree } from 'web-tree-sitter';
import { Query } from 'web-tree-sitter';
import type { PythonGrammar } from '../syntax/pythonParser';
import { dottedName, namedChildrenOf } from '../syntax/nodes';
import { asyncDefNames, moduleFinder, STUB_COROUTINE_NAMES, type ModuleHost, type NameSet } from './types/modules';
import { summarizeModule } from './types/moduleSummary';
import { TypeEvaluator } from './types/typeEvaluator';

const DOTTED = /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*$/;

/** Builtins the rules care about; they resolve to `builtins.NAME` unless the file binds the name itself. */
const BUILTINS = new Set(['open', 'input', 'BaseException']);

const INDEX_QUERY = `
(call function: (_) @callee) @call
(function_definition) @function
(lambda) @lambda
(except_clause) @except
(with_statement) @with
(while_statement) @while
(import_statement) @import
(import_from_statement) @import
(comment) @comment
(function_definition name: (identifier) @bound)
(class_definition name: (identifier) @bound)
(assignment left: (identifier) @bound)
(assignment left: (pattern_list (identifier) @bound))
(parameters (identifier) @bound)
(default_parameter name: (identifier) @bound)
(typed_parameter (identifier) @bound)
(typed_default_parameter name: (identifier) @bound)
(for_statement left: (identifier) @bound)
(as_pattern_target (identifier) @bound)
(global_statement (identifier) @bound)
`;

const queries = new WeakMap<PythonGrammar['language'], Query>();

/** A call, with what the rules ask of every call worked out once. */
export interface CallSite {
  readonly node: Node;
  readonly callee: Node | null;
  /** The callee as written when it is a name or attribute chain (`self._loop.create_task`), else undefined. */
  readonly calleeName: string | undefined;
  /** The callee's fully qualified name when imports tell (`asyncio.create_task`). */
  readonly qualified: string | undefined;
  /** The innermost def or lambda around the call, null at module level. */
  readonly scope: Node | null;
  /** True when the call runs directly in an `async def`. */
  readonly inCoroutine: boolean;
}

export interface SourceFile {
  readonly text: string;
  readonly tree: Tree;
  readonly root: Node;
  readonly calls: readonly CallSite[];
  readonly functions: readonly Node[];
  readonly exceptClauses: readonly Node[];
  readonly withStatements: readonly Node[];
  readonly whileStatements: readonly Node[];
  readonly importStatements: readonly Node[];
  readonly comments: readonly Node[];
  /** Local name → fully qualified name it was imported as (`aio` → `asyncio`, `sleep` → `time.sleep`). */
  readonly imports: ReadonlyMap<string, string>;
  /** The fully qualified name an identifier or attribute chain refers to, when imports tell. */
  qualifiedName(expression: Node | null): string | undefined;
  /** True when the file imports asyncio or anything from it. */
  readonly usesAsyncio: boolean;
  /** Type inference over this file and the modules it imports, made on first use. */
  readonly types: TypeEvaluator;
  /** Names an `async def` defines here, in asyncio's stubs or in the modules reachable through imports (on first use). */
  readonly coroutineNames: NameSet;
}

export function indexSourceFile(grammar: PythonGrammar, tree: Tree, text: string, modules?: ModuleHost): SourceFile {
  let query = queries.get(grammar.language);
  if (!query) {
    query = new Query(grammar.language, INDEX_QUERY);
    queries.set(grammar.language, query);
  }
  const lists: Record<string, Node[]> = {
    function: [], lambda: [], except: [], with: [], while: [], import: [], comment: [], bound: [],
  };
  const callPairs: { call: Node; callee: Node }[] = [];
  // One pass of one query over the tree: each pass costs a walk of every node, whatever it looks for.
  for (const match of query.matches(tree.rootNode)) {
    const [first, second] = match.captures;
    if (second) callPairs.push(first.name === 'call' ? { call: first.node, callee: second.node } : { call: second.node, callee: first.node });
    else lists[first.name].push(first.node);
  }
  callPairs.sort((a, b) => a.call.startIndex - b.call.startIndex);
  const scopes = [...lists.function, ...lists.lambda].sort((a, b) => a.startIndex - b.startIndex);
  lists.function.sort((a, b) => a.startIndex - b.startIndex);
  for (const list of [lists.except, lists.with, lists.while, lists.import, lists.comment]) list.sort((a, b) => a.startIndex - b.startIndex);

  // Walking both lists in document order, a stack of the defs and lambdas still open gives each call its scope.
  const openScopes: { node: Node; end: number; isAsync: boolean }[] = [];
  const callScopes: { node: Node | null; isAsync: boolean }[] = [];
  let nextScope = 0;
  for (const { call } of callPairs) {
    while (nextScope < scopes.length && scopes[nextScope].startIndex <= call.startIndex) {
      const scope = scopes[nextScope++];
      while (openScopes.length && openScopes[openScopes.length - 1].end <= scope.startIndex) openScopes.pop();
      openScopes.push({ node: scope, end: scope.endIndex, isAsync: scope.type === 'function_definition' && scope.child(0)?.type === 'async' });
    }
    while (openScopes.length && openScopes[openScopes.length - 1].end <= call.startIndex) openScopes.pop();
    const scope = openScopes[openScopes.length - 1];
    callScopes.push(scope ? { node: scope.node, isAsync: scope.isAsync } : { node: null, isAsync: false });
  }

  const boundNames = new Set(lists.bound.map((node) => node.text));
  const imports = importTable(lists.import);
  // A name both imported and bound some other way could mean either: resolve it to nothing.
  for (const name of boundNames) imports.delete(name);

  const qualify = (dotted: string): string | undefined => {
    const [head, ...rest] = dotted.split('.');
    const resolvedHead = imports.get(head) ?? (BUILTINS.has(head) && !boundNames.has(head) ? `builtins.${head}` : undefined);
    return resolvedHead === undefined ? undefined : [resolvedHead, ...rest].join('.');
  };
  const qualifiedName = (expression: Node | null): string | undefined => {
    const dotted = dottedName(expression);
    return dotted === undefined ? undefined : qualify(dotted);
  };

  const calls: CallSite[] = callPairs.map(({ call: node, callee }, i) => {
    // Reading the text once is far cheaper than walking an attribute chain node by node through WebAssembly.
    const text = callee.text.replace(/\s+/g, '');
    const calleeName = DOTTED.test(text) ? text : undefined;
    return {
      node,
      callee,
      calleeName,
      qualified: calleeName === undefined ? undefined : qualify(calleeName),
      scope: callScopes[i].node,
      inCoroutine: callScopes[i].isAsync,
    };
  });

  let types: TypeEvaluator | undefined;
  let coroutineNames: NameSet | undefined;
  return {
    text,
    tree,
    root: tree.rootNode,
    calls,
    functions: lists.function,
    exceptClauses: lists.except,
    withStatements: lists.with,
    whileStatements: lists.while,
    importStatements: lists.import,
    comments: lists.comment,
    imports,
    qualifiedName,
    usesAsyncio: [...imports.values()].some((name) => name === 'asyncio' || name.startsWith('asyncio.')),
    get types() {
      return (types ??= new TypeEvaluator(summarizeModule(tree.rootNode, '', false), moduleFinder(grammar, modules)));
    },
    get coroutineNames() {
      if (!coroutineNames) {
        const here = new Set(asyncDefNames(text));
        const reachable = modules?.asyncNamesReachable([...imports.values()]);
        coroutineNames = { has: (name) => here.has(name) || STUB_COROUTINE_NAMES.has(name) || (reachable?.has(name) ?? false) };
      }
      return coroutineNames;
    },
  };
}

/** Local name → qualified name, from every import statement in the file (relative imports are left out). */
function importTable(statements: Node[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const statement of statements) {
    if (statement.type === 'import_statement') {
      for (const name of statement.childrenForFieldName('name')) {
        if (name?.type === 'aliased_import') {
          const alias = name.childForFieldName('alias')?.text;
          const target = name.childForFieldName('name')?.text;
          if (alias && target) table.set(alias, target);
        } else if (name?.type === 'dotted_name') {
          // `import urllib.request` binds `urllib`; the attribute chain spells out the rest.
          const head = name.text.split('.')[0];
          table.set(head, head);
        }
      }
      continue;
    }
    const module = statement.childForFieldName('module_name');
    if (!module) continue;
    // Relative imports keep their dots (`.helpers.fetch`): only workspace lookups resolve them.
    const modulePath = module.text.replace(/\s+/g, '');
    const separator = modulePath.endsWith('.') ? '' : '.';
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias')?.text;
        const target = name.childForFieldName('name')?.text;
        if (alias && target) table.set(alias, `${modulePath}${separator}${target}`);
      } else {
        table.set(name.text, `${modulePath}${separator}${name.text}`);
      }
    }
    if (namedChildrenOf(statement).some((child) => child.type === 'wildcard_import') && modulePath === 'asyncio') {
      // `from asyncio import *`: the asyncio names the rules know become reachable unqualified.
      for (const exported of WILDCARD_ASYNCIO_NAMES) if (!table.has(exported)) table.set(exported, `asyncio.${exported}`);
    }
  }
  return table;
}

const WILDCARD_ASYNCIO_NAMES = [
  'create_task', 'ensure_future', 'sleep', 'wait', 'wait_for', 'gather', 'shield', 'timeout', 'timeout_at',
  'TaskGroup', 'get_event_loop', 'get_running_loop', 'run', 'CancelledError', 'Queue', 'Lock', 'Event',
  'Semaphore', 'Condition', 'to_thread', 'open_connection', 'start_server',
];

/** The first characters of a statement: enough to read a `with` header without asking the tree for the whole text. */
export function headerOf(file: SourceFile, statement: Node, length = 300): string {
  return file.text.slice(statement.startIndex, statement.startIndex + length);
}

/**
 * Words that any reference to these qualified names must contain: their last segments and local aliases.
 * A cheap text test with them skips most statements before any tree is walked.
 */
export function spellingsOf(file: SourceFile, qualifiedNames: ReadonlySet<string>): string[] {
  const words = new Set([...qualifiedNames].map((name) => name.slice(name.lastIndexOf('.') + 1)));
  for (const [local, qualified] of file.imports) if (qualifiedNames.has(qualified)) words.add(local);
  return [...words];
}
