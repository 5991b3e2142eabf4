// What type inference needs to know of a module, read once from its syntax tree: its imports, classes (bases,
// methods, attributes) and functions (async or not, annotations). Plain data, cached across analyses.
import type { Node } from 'web-tree-sitter';
import { decoratorsOf, descendantsInSameScope, isAsyncFunction, namedChildrenOf } from '../../syntax/nodes';
import { exprOf, type Expr } from './expressions';

/** Decorators that keep a def what it is; any other decorator may wrap it into anything. */
const TRANSPARENT_DECORATOR = /^(staticmethod|classmethod|(abc\.)?abstractmethod|(typing(_extensions)?\.)?(override|final))$/;

export interface FunctionInfo {
  name: string;
  isAsync: boolean;
  /** False when a decorator other than the transparent ones may have changed what calling it returns. */
  transparent: boolean;
  isProperty: boolean;
  isStatic: boolean;
  returns?: Expr;
  /** `return self` is all it returns (a fluent method, or `__aenter__` without annotation); read on first use. */
  returnsSelf(): boolean;
}

export interface AttributeInfo {
  annotation?: Expr;
  value?: Expr;
  /** Annotations of the parameters of the method that assigned it (`self.lock = lock` with `lock: asyncio.Lock`). */
  params?: ReadonlyMap<string, Expr | undefined>;
}

export interface ClassInfo {
  name: string;
  bases: Expr[];
  methods: Map<string, FunctionInfo[]>;
  /** How the class sets an attribute: class-level annotations and assignments, and `self.x = …` in its methods. */
  attribute(name: string): AttributeInfo[] | undefined;
}

export type Binding =
  | { kind: 'class'; info: ClassInfo }
  | { kind: 'function'; info: FunctionInfo }
  | { kind: 'value'; value?: Expr; annotation?: Expr }
  | { kind: 'import'; target: string }
  | { kind: 'unknown' };

export interface ModuleSummary {
  /** Qualified module name (`aiohttp.client`); empty for the document being analysed. */
  name: string;
  names: Map<string, Binding[]>;
}

export function functionInfo(fn: Node, eager = false): FunctionInfo {
  const decorators = decoratorsOf(fn);
  const returns = fn.childForFieldName('return_type');
  let returnsSelf: boolean | undefined;
  const readReturns = () => {
    // Asked of `__aenter__` / `__enter__` without a return annotation (`async with X() as x` then means X).
    if (returns || !/^__a?enter__$/.test(fn.childForFieldName('name')?.text ?? '')) return false;
    const body = fn.childForFieldName('body');
    const returned = body ? descendantsInSameScope(body, new Set(['return_statement'])) : [];
    return returned.length > 0 && returned.every((statement) => statement.firstNamedChild?.text === 'self');
  };
  if (eager) returnsSelf = readReturns();
  return {
    name: fn.childForFieldName('name')?.text ?? '',
    isAsync: isAsyncFunction(fn),
    transparent: decorators.every((decorator) => TRANSPARENT_DECORATOR.test(decorator)),
    isProperty: decorators.some((decorator) => /(^|\.)(cached_)?property$|^reify$/.test(decorator)),
    isStatic: decorators.includes('staticmethod'),
    returns: returns ? exprOf(returns, true) : undefined,
    returnsSelf: () => (returnsSelf ??= readReturns()),
  };
}

/** Parameter name → annotation (undefined when not annotated), in order. */
export function parameters(fn: Node): [string, Expr | undefined][] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  return namedChildrenOf(list).flatMap((parameter): [string, Expr | undefined][] => {
    if (parameter.type === 'identifier') return [[parameter.text, undefined]];
    const name = parameter.childForFieldName('name') ?? parameter.firstNamedChild;
    if (!name || name.type !== 'identifier') return [];
    const annotation = parameter.childForFieldName('type');
    return [[name.text, annotation ? exprOf(annotation, true) : undefined]];
  });
}

/** Reads a module: top-level statements, and those inside top-level `if` / `try` blocks (`if TYPE_CHECKING:` imports). */
export function summarizeModule(root: Node, name: string, isPackage: boolean, eager = false): ModuleSummary {
  const names = new Map<string, Binding[]>();
  const bind = (bound: string, binding: Binding) => names.set(bound, [...(names.get(bound) ?? []), binding]);
  for (const statement of moduleStatements(root)) {
    for (const [bound, binding] of bindingsOf(statement, name, isPackage, eager)) {
      bind(bound, binding);
    }
  }
  return { name, names };
}

function moduleStatements(block: Node): Node[] {
  return namedChildrenOf(block).flatMap((statement) => {
    if (statement.type === 'if_statement' || statement.type === 'try_statement') {
      return namedChildrenOf(statement).flatMap((part) => {
        const inner = part.type === 'block' ? part : namedChildrenOf(part).find((child) => child.type === 'block');
        return inner ? moduleStatements(inner) : [];
      });
    }
    return [statement];
  });
}

/** The names one statement of a module or class body binds, and how. */
export function bindingsOf(statement: Node, moduleName: string, isPackage: boolean, eager = false): [string, Binding][] {
  const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
  if (!definition) return [];
  if (definition.type === 'function_definition') {
    const info = functionInfo(definition, eager);
    return [[info.name, { kind: 'function', info }]];
  }
  if (definition.type === 'class_definition') {
    const info = classInfo(definition, decoratorsOf(definition).length === 0, eager);
    return [[info.name, { kind: 'class', info }]];
  }
  if (definition.type === 'import_statement' || definition.type === 'import_from_statement') return importBindings(definition, moduleName, isPackage);
  if (definition.type !== 'expression_statement') return [];
  const assignment = definition.firstNamedChild;
  if (assignment?.type !== 'assignment') return [];
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  const type = assignment.childForFieldName('type');
  if (left?.type === 'identifier') {
    return [[left.text, { kind: 'value', value: right ? exprOf(right) : undefined, annotation: type ? exprOf(type, true) : undefined }]];
  }
  return (left?.descendantsOfType('identifier') ?? []).flatMap((id): [string, Binding][] => (id ? [[id.text, { kind: 'unknown' }]] : []));
}

/** A summary that outlives its tree (`eager`) reads everything now; the document's reads what is asked for. */
function classInfo(definition: Node, undecorated: boolean, eager: boolean): ClassInfo {
  const body = definition.childForFieldName('body');
  const statements = body ? namedChildrenOf(body) : [];
  let methods: Map<string, FunctionInfo[]> | undefined;
  const readMethods = () => {
    const found = new Map<string, FunctionInfo[]>();
    for (const statement of statements) {
      const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (fn?.type !== 'function_definition') continue;
      const info = functionInfo(fn, eager);
      found.set(info.name, [...(found.get(info.name) ?? []), info]);
    }
    return found;
  };
  if (eager) methods = readMethods();
  const all = eager ? attributesOf(statements) : undefined;
  const byName = new Map<string, AttributeInfo[] | undefined>();
  const superclasses = definition.childForFieldName('superclasses');
  return {
    name: definition.childForFieldName('name')?.text ?? '',
    // A class decorator may replace the class: then nothing is known of its bases.
    bases: superclasses && undecorated ? namedChildrenOf(superclasses).filter((base) => base.type !== 'keyword_argument').map((base) => exprOf(base)) : [],
    // The document's classes are read when a lookup reaches them.
    get methods() {
      return (methods ??= readMethods());
    },
    attribute(name) {
      if (all) return all.get(name);
      if (!byName.has(name)) byName.set(name, attributesOf(statements, name, definition.text).get(name));
      return byName.get(name);
    },
  };
}

/** Every attribute the class sets, or only `only` (methods that never spell `.only` are not walked). */
function attributesOf(statements: Node[], only?: string, classText = ''): Map<string, AttributeInfo[]> {
  const attributes = new Map<string, AttributeInfo[]>();
  // `.name =` / `.name: T =` somewhere in a method: only those methods are walked.
  const assigned = only === undefined ? undefined : new RegExp(`\\.${only}\\s*(:[^=\\n]*)?[-+*/|&%@^]?=(?!=)`);
  const setsIt = (text: string) => assigned === undefined || assigned.test(text);
  if (only !== undefined && !classText.includes(only)) return attributes;
  const add = (name: string, info: AttributeInfo) => attributes.set(name, [...(attributes.get(name) ?? []), info]);
  for (const statement of statements) {
    const assignment = statement.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.type === 'identifier') {
      const type = assignment.childForFieldName('type');
      const right = assignment.childForFieldName('right');
      add(assignment.childForFieldName('left')!.text, { annotation: type ? exprOf(type, true) : undefined, value: right ? exprOf(right) : undefined });
    }
    const fn = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (fn?.type !== 'function_definition' || !setsIt(fn.text)) continue;
    const params = parameters(fn);
    const self = params[0]?.[0];
    const body = fn.childForFieldName('body');
    if (!self || !body) continue;
    const annotations = new Map(params);
    for (const found of descendantsInSameScope(body, new Set(['assignment', 'augmented_assignment']))) {
      const left = found.childForFieldName('left');
      if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== self) continue;
      const name = left.childForFieldName('attribute')!.text;
      if (only !== undefined && name !== only) continue;
      if (found.type === 'augmented_assignment') {
        add(name, {});
        continue;
      }
      const type = found.childForFieldName('type');
      const right = found.childForFieldName('right');
      // `self.a = self.b = x` and tuple targets are left unknown.
      add(name, { annotation: type ? exprOf(type, true) : undefined, value: right && right.type !== 'assignment' ? exprOf(right) : undefined, params: annotations });
    }
  }
  return attributes;
}

function importBindings(statement: Node, moduleName: string, isPackage: boolean): [string, Binding][] {
  const bindings: [string, Binding][] = [];
  if (statement.type === 'import_statement') {
    for (const name of statement.childrenForFieldName('name')) {
      if (name?.type === 'aliased_import') {
        const alias = name.childForFieldName('alias')?.text;
        const target = name.childForFieldName('name')?.text;
        if (alias && target) bindings.push([alias, { kind: 'import', target }]);
      } else if (name?.type === 'dotted_name') {
        const head = name.text.split('.')[0];
        bindings.push([head, { kind: 'import', target: head }]);
      }
    }
    return bindings;
  }
  const module = absoluteModule(statement.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '', moduleName, isPackage);
  if (module === undefined) return [];
  for (const name of statement.childrenForFieldName('name')) {
    const target = name?.type === 'aliased_import' ? name.childForFieldName('name')?.text : name?.text;
    const alias = name?.type === 'aliased_import' ? name.childForFieldName('alias')?.text : target;
    if (target && alias) bindings.push([alias, { kind: 'import', target: !module ? target : module.endsWith('.') ? `${module}${target}` : `${module}.${target}` }]);
  }
  return bindings;
}

/** `..client` inside package `aiohttp.web` → `aiohttp.client`; a relative import of the document itself stays relative. */
export function absoluteModule(module: string, moduleName: string, isPackage: boolean): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  if (dots === 0) return module;
  if (!moduleName) return module;
  const parts = moduleName.split('.');
  const packageParts = isPackage ? parts : parts.slice(0, -1);
  if (dots - 1 > packageParts.length) return undefined;
  const base = packageParts.slice(0, packageParts.length - (dots - 1));
  const rest = module.slice(dots);
  return [...base, ...(rest ? [rest] : [])].join('.');
}
