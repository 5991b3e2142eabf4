// One parse of a Python file, indexed once for all rules: the nodes they look at and what imported names mean.
import type { Node, Tree } from 'web-tree-sitter';
import { Query } from 'web-tree-sitter';
import type { PythonGrammar } from '../syntax/pythonParser';
import { dottedName, namedChildrenOf } from '../syntax/nodes';

/** Builtins the rules care about; they resolve to `builtins.NAME` unless the file binds the name itself. */
const BUILTINS = new Set(['open', 'input', 'BaseException']);

const INDEX_QUERY = `
(call) @call
(function_definition) @function
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

export interface SourceFile {
  readonly text: string;
  readonly tree: Tree;
  readonly root: Node;
  readonly calls: readonly Node[];
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
}

export function indexSourceFile(grammar: PythonGrammar, tree: Tree, text: string): SourceFile {
  let query = queries.get(grammar.language);
  if (!query) {
    query = new Query(grammar.language, INDEX_QUERY);
    queries.set(grammar.language, query);
  }
  const lists: Record<string, Node[]> = {
    call: [], function: [], except: [], with: [], while: [], import: [], comment: [], bound: [],
  };
  for (const capture of query.captures(tree.rootNode)) lists[capture.name].push(capture.node);

  const boundNames = new Set(lists.bound.map((node) => node.text));
  const imports = importTable(lists.import);
  // A name both imported and bound some other way could mean either: resolve it to nothing.
  for (const name of boundNames) imports.delete(name);

  const qualifiedName = (expression: Node | null): string | undefined => {
    const dotted = dottedName(expression);
    if (!dotted) return undefined;
    const [head, ...rest] = dotted.split('.');
    const resolvedHead = imports.get(head) ?? (BUILTINS.has(head) && !boundNames.has(head) ? `builtins.${head}` : undefined);
    return resolvedHead === undefined ? undefined : [resolvedHead, ...rest].join('.');
  };

  return {
    text,
    tree,
    root: tree.rootNode,
    calls: lists.call,
    functions: lists.function,
    exceptClauses: lists.except,
    withStatements: lists.with,
    whileStatements: lists.while,
    importStatements: lists.import,
    comments: lists.comment,
    imports,
    qualifiedName,
    usesAsyncio: [...imports.values()].some((name) => name === 'asyncio' || name.startsWith('asyncio.')),
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
    if (!module || module.type !== 'dotted_name') continue;
    const modulePath = module.text.replace(/\s+/g, '');
    for (const name of statement.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias')?.text;
        const target = name.childForFieldName('name')?.text;
        if (alias && target) table.set(alias, `${modulePath}.${target}`);
      } else {
        table.set(name.text, `${modulePath}.${name.text}`);
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
