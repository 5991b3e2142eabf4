// Light type inference for one document: enough to tell that `writer.drain()` or `self._resolver.close()` makes a
// coroutine, or that `self._lock` is a threading.Lock. It follows assignments, annotations, `with … as`, return
// annotations, class attributes and bases (one level of generics) through the document and the modules it
// imports. Whatever it cannot follow is unknown, and unknown never yields a finding.
import type { Node } from 'web-tree-sitter';
import { enclosingClass, enclosingFunction } from '../../syntax/nodes';
import { exprOf, type Expr } from './expressions';
import { localBindings, parameterBinding, type LocalBinding } from './localBindings';
import type { Binding, ClassInfo, FunctionInfo, ModuleSummary } from './moduleSummary';

export interface ClassRef {
  qualified: string;
  info: ClassInfo;
  module: ModuleSummary;
}

export type Type =
  | { kind: 'instance'; cls: ClassRef; args: Type[] }
  | { kind: 'class'; cls: ClassRef; args: Type[] }
  | { kind: 'module'; summary: ModuleSummary }
  | { kind: 'function'; fn: FunctionInfo; module: ModuleSummary; bound?: Type; subst?: Substitution }
  | { kind: 'coroutine'; result?: Type }
  | { kind: 'union'; options: Type[] }
  | { kind: 'tuple'; items: Type[] }
  | { kind: 'typevar'; name: string }
  | { kind: 'none' };

type Substitution = ReadonlyMap<string, Type>;
type Maybe = Type | undefined;

/** Where names are looked up: a module, and above it the locals of a function (or a method's parameters). */
interface Context {
  module: ModuleSummary;
  local?: (name: string) => Maybe | 'unbound';
  subst?: Substitution;
}

/** Finds module summaries by qualified name; names with leading dots are relative to the document. */
export type ModuleFinder = (name: string) => ModuleSummary | undefined;

const MAX_DEPTH = 40;
const WRAPPERS = new Set(['ClassVar', 'Final', 'Annotated', 'Required', 'NotRequired', 'ReadOnly']);

export class TypeEvaluator {
  private readonly qualifiedCache = new Map<string, Maybe>();
  private readonly moduleCache = new Map<string, ModuleSummary | undefined>();
  private readonly localCache = new Map<number, Map<string, LocalBinding[]>>();
  private readonly nameCache = new Map<string, Maybe>();
  private readonly boundNames = new Map<number, Set<string>>();
  private depth = 0;

  constructor(
    private readonly document: ModuleSummary,
    private readonly findModule: ModuleFinder,
  ) {}

  /** The type of an expression of the document, as far as it can be told. */
  typeOf(node: Node): Maybe {
    return this.guarded(() => this.value(exprOf(node), this.documentContext(node)));
  }

  /** The instance type a class is looked up by, for `isInstanceOf`. */
  classesOf(type: Maybe): string[] | undefined {
    if (!type) return undefined;
    if (type.kind === 'instance') return [type.cls.qualified];
    if (type.kind !== 'union') return undefined;
    const options = type.options.filter((option) => option.kind !== 'none').map((option) => this.classesOf(option));
    return options.length && options.every((names) => names !== undefined) ? options.flat() as string[] : undefined;
  }

  /** What calling a value returns (a coroutine for an `async def`), or undefined when unknown. */
  callResult(type: Maybe): Maybe {
    if (!type) return undefined;
    switch (type.kind) {
      case 'class':
        return { kind: 'instance', cls: type.cls, args: type.args };
      case 'function': {
        const { fn } = type;
        if (!fn.transparent) return undefined;
        const context: Context = { module: type.module, subst: type.subst };
        const returned = fn.returns ? this.annotation(fn.returns, context) : fn.returnsSelf() && !fn.isAsync ? type.bound : undefined;
        if (fn.isAsync) return { kind: 'coroutine', result: fn.returns ? returned : fn.returnsSelf() ? type.bound : undefined };
        return returned;
      }
      case 'union':
        return this.union(type.options.filter((option) => option.kind !== 'none').map((option) => this.callResult(option)));
      default:
        return undefined;
    }
  }

  /** The type of `name` as seen from `node` (locals, enclosing functions, then the module). */
  private documentContext(node: Node): Context {
    const functions: Node[] = [];
    for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) if (fn.type === 'function_definition') functions.push(fn);
    return { module: this.document, local: (name) => this.lookupInFunctions(functions, name) };
  }

  private lookupInFunctions(functions: Node[], name: string): Maybe | 'unbound' {
    for (const [i, fn] of functions.entries()) {
      const key = `${fn.id}:${name}`;
      if (this.nameCache.has(key)) return this.nameCache.get(key);
      const bindings = this.bindingsIn(fn, name);
      if (!bindings) continue;
      if (bindings.some((binding) => binding.kind === 'outer')) return 'unbound';
      this.nameCache.set(key, undefined); // a binding that reads itself (`x = x.next()`) is unknown
      const context: Context = { module: this.document, local: (inner) => this.lookupInFunctions(functions.slice(i), inner) };
      const type = this.union(bindings.map((binding) => this.localBinding(binding, fn, context)));
      this.nameCache.set(key, type);
      return type;
    }
    return 'unbound';
  }

  /**
   * How `fn` binds `name`. Its body is walked only when its text could bind the name there (`name =`, `as name`,
   * `for … name`, `import`, `def name`, `global name`…): most lookups are of parameters and module names.
   */
  private bindingsIn(fn: Node, name: string): LocalBinding[] | undefined {
    let table = this.localCache.get(fn.id);
    if (!table) {
      let bound = this.boundNames.get(fn.id);
      if (!bound) this.boundNames.set(fn.id, (bound = namesMaybeBound(fn.childForFieldName('body')?.text ?? '')));
      if (!bound.has(name)) {
        const parameter = parameterBinding(fn, name);
        return parameter ? [parameter] : undefined;
      }
      this.localCache.set(fn.id, (table = localBindings(fn)));
    }
    return table.get(name);
  }

  private localBinding(binding: LocalBinding, fn: Node, context: Context): Maybe {
    switch (binding.kind) {
      case 'parameter': {
        const cls = binding.index === 0 ? enclosingClass(fn) : null;
        if (cls) {
          const ref = this.documentClass(cls);
          const decorators = fn.parent?.type === 'decorated_definition' ? fn.parent.text : '';
          if (/^\s*@staticmethod/m.test(decorators)) return binding.annotation ? this.annotation(binding.annotation, context) : undefined;
          if (!ref) return undefined;
          return /^\s*@classmethod/m.test(decorators) ? { kind: 'class', cls: ref, args: [] } : { kind: 'instance', cls: ref, args: [] };
        }
        return binding.annotation ? this.annotation(binding.annotation, context) : undefined;
      }
      case 'enter':
        return this.enterResult(this.value(binding.manager, context), binding.isAsync);
      case 'unpack': {
        const value = this.value(binding.value, context);
        return value?.kind === 'tuple' ? value.items[binding.index] : undefined;
      }
      case 'outer':
        return undefined;
      default:
        return this.binding(binding, context);
    }
  }

  /** A class statement of the document, when it is a module-level class. */
  private documentClass(cls: Node): ClassRef | undefined {
    const name = cls.childForFieldName('name')?.text ?? '';
    const found = this.document.names.get(name);
    // A class inside a function is not the module-level class of the same name.
    if (enclosingFunction(cls)) return undefined;
    return found?.length === 1 && found[0].kind === 'class' ? { qualified: name, info: found[0].info, module: this.document } : undefined;
  }

  private binding(binding: Binding, context: Context, name?: string): Maybe {
    switch (binding.kind) {
      case 'class':
        return { kind: 'class', cls: { qualified: qualify(context.module, binding.info.name), info: binding.info, module: context.module }, args: [] };
      case 'function':
        return { kind: 'function', fn: binding.info, module: context.module };
      case 'import':
        return this.qualified(binding.target);
      case 'value':
        // `T = TypeVar("T")`: a type parameter, replaced by the argument a generic base gives it.
        if (name && binding.value?.kind === 'call' && binding.value.callee.kind === 'name' && /(^|\.)TypeVar$/.test(binding.value.callee.name)) {
          return { kind: 'typevar', name };
        }
        if (binding.value && binding.value.kind !== 'unknown') {
          const value = this.value(binding.value, context);
          if (value) return value;
        }
        return binding.annotation ? this.annotation(binding.annotation, context) : undefined;
      default:
        return undefined;
    }
  }

  /** A module, or a name inside one: `aiohttp.ClientSession`, `asyncio.locks.Lock`, `.helpers.fetch`. */
  private qualified(name: string): Maybe {
    if (this.qualifiedCache.has(name)) return this.qualifiedCache.get(name);
    this.qualifiedCache.set(name, undefined);
    let result: Maybe;
    const parts = name.split('.');
    const leading = /^\.*/.exec(name)![0].length;
    for (let split = parts.length; split > Math.max(leading, 0); split--) {
      const summary = this.module(parts.slice(0, split).join('.'));
      if (!summary) continue;
      result = parts.slice(split).reduce<Maybe>((type, attribute) => this.attribute(type, attribute), { kind: 'module', summary });
      break;
    }
    this.qualifiedCache.set(name, result);
    return result;
  }

  private module(name: string): ModuleSummary | undefined {
    if (!this.moduleCache.has(name)) this.moduleCache.set(name, name.replace(/\./g, '') ? this.findModule(name) : undefined);
    return this.moduleCache.get(name);
  }

  private member(summary: ModuleSummary, name: string): Maybe {
    const bindings = summary.names.get(name);
    // `import pkg` then `pkg.sub.x`: a submodule not imported in pkg/__init__.py is still reachable once imported.
    if (!bindings) return summary.name && this.module(`${summary.name}.${name}`) ? this.qualified(`${summary.name}.${name}`) : undefined;
    const context: Context = { module: summary };
    return this.union(bindings.map((binding) => this.binding(binding, context, name)));
  }

  private lookup(name: string, context: Context): Maybe {
    const local = context.local?.(name);
    if (local !== undefined && local !== 'unbound') return local;
    if (local === undefined && context.local) {
      // Bound locally but unknown: nothing to look further out for.
      return undefined;
    }
    return this.member(context.module, name);
  }

  private value(expr: Expr, context: Context): Maybe {
    return this.guarded(() => {
      switch (expr.kind) {
        case 'name': {
          const [head, ...rest] = expr.name.split('.');
          return rest.reduce<Maybe>((type, attribute) => this.attribute(type, attribute), this.lookup(head, context));
        }
        case 'attribute':
          return this.attribute(this.value(expr.of, context), expr.name);
        case 'call':
          return this.callResult(this.value(expr.callee, context));
        case 'await':
          return this.awaited(this.value(expr.of, context));
        case 'union':
          return this.union(expr.options.map((option) => this.value(option, context)));
        case 'tuple': {
          const items = expr.items.map((item) => this.value(item, context));
          return items.every((item) => item !== undefined) ? { kind: 'tuple', items: items as Type[] } : undefined;
        }
        case 'subscript': {
          const of = this.value(expr.of, context);
          return of?.kind === 'class' ? of : undefined;
        }
        case 'none':
          return { kind: 'none' };
        default:
          return undefined;
      }
    });
  }

  /** An annotation: a class means its instances; typing's forms are unwrapped. */
  private annotation(expr: Expr, context: Context): Maybe {
    return this.guarded(() => {
      switch (expr.kind) {
        case 'none':
          return { kind: 'none' };
        case 'union':
          return this.union(expr.options.map((option) => this.annotation(option, context)));
        case 'name': {
          const type = this.value(expr, context);
          if (type?.kind === 'typevar') return context.subst?.get(type.name) ?? type;
          return type?.kind === 'class' ? { kind: 'instance', cls: type.cls, args: type.args } : undefined;
        }
        case 'subscript': {
          const head = expr.of.kind === 'name' ? expr.of.name.slice(expr.of.name.lastIndexOf('.') + 1) : '';
          const args = expr.args;
          if (head === 'Optional') return this.union([this.annotation(args[0], context), { kind: 'none' }]);
          if (head === 'Union') return this.union(args.map((arg) => this.annotation(arg, context)));
          if (WRAPPERS.has(head)) return this.annotation(args[0], context);
          if (head === 'Type' || head === 'type') {
            const instance = this.annotation(args[0], context);
            return this.mapUnion(instance, (option) => (option.kind === 'instance' ? { kind: 'class', cls: option.cls, args: option.args } : undefined));
          }
          if (head === 'Tuple' || head === 'tuple') {
            const items = args.map((arg) => this.annotation(arg, context));
            return items.every((item) => item !== undefined) ? { kind: 'tuple', items: items as Type[] } : undefined;
          }
          if (head === 'Coroutine') return { kind: 'coroutine', result: args[2] ? this.annotation(args[2], context) : undefined };
          const generic = this.value(expr.of, context);
          if (generic?.kind !== 'class') return undefined;
          const typeArgs = args.map((arg) => this.annotation(arg, context));
          return { kind: 'instance', cls: generic.cls, args: typeArgs.every((arg) => arg !== undefined) ? (typeArgs as Type[]) : [] };
        }
        default:
          return undefined;
      }
    });
  }

  attribute(type: Maybe, name: string): Maybe {
    if (!type) return undefined;
    switch (type.kind) {
      case 'module':
        return this.member(type.summary, name);
      case 'union':
        return this.mapUnion(type, (option) => this.attribute(option, name));
      case 'instance':
      case 'class':
        for (const entry of this.mro(type.cls, type.args)) {
          if (!entry) return undefined;
          const { cls, subst } = entry;
          const methods = cls.info.methods.get(name);
          if (methods) {
            if (methods.length !== 1) return undefined;
            const fn = methods[0];
            const bound = type.kind === 'instance' && !fn.isStatic ? type : undefined;
            const method: Type = { kind: 'function', fn, module: cls.module, bound, subst };
            return fn.isProperty ? (type.kind === 'instance' ? this.callResult(method) : undefined) : method;
          }
          const attributes = cls.info.attribute(name);
          if (attributes) {
            return this.union(
              attributes.map((attribute) => {
                const params = attribute.params;
                const context: Context = {
                  module: cls.module,
                  subst,
                  local: params ? (local) => (params.has(local) ? (params.get(local) ? this.annotation(params.get(local)!, { module: cls.module, subst }) : undefined) : 'unbound') : undefined,
                };
                if (attribute.annotation) return this.annotation(attribute.annotation, context);
                return attribute.value ? this.value(attribute.value, context) : undefined;
              }),
            );
          }
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * The class and its bases in lookup order, each with the type arguments its type parameters stand for; read as
   * far as a lookup needs (bases live in other modules). `undefined` marks a base that cannot be followed: a
   * lookup that reaches it knows nothing, since that base might define the name.
   */
  private *mro(cls: ClassRef, args: Type[]): Generator<{ cls: ClassRef; subst: Substitution } | undefined> {
    const seen = new Set<string>();
    const visit = function* (this: TypeEvaluator, current: ClassRef, currentArgs: Type[], depth: number): Generator<{ cls: ClassRef; subst: Substitution } | undefined> {
      if (seen.has(current.qualified)) return;
      if (depth > 8) return yield undefined;
      seen.add(current.qualified);
      const context: Context = { module: current.module };
      const params = this.typeParameters(current.info.bases, context);
      const subst = new Map(params.map((param, i) => [param, currentArgs[i]] as const).filter(([, arg]) => arg !== undefined) as [string, Type][]);
      yield { cls: current, subst };
      for (const base of current.info.bases) {
        if (isTypingBase(base, current.module)) continue;
        const type = this.annotation(base, context);
        if (type?.kind !== 'instance') return yield undefined;
        yield* visit.call(this, type.cls, type.args.map((arg) => (arg.kind === 'typevar' ? (subst.get(arg.name) ?? arg) : arg)), depth + 1);
      }
    };
    yield* visit.call(this, cls, args, 0);
  }

  /** `Generic[T]`'s parameters, or the type variables the bases are subscripted with, in order. */
  private typeParameters(bases: Expr[], context: Context): string[] {
    const found: string[] = [];
    for (const base of bases) {
      if (base.kind !== 'subscript') continue;
      const head = base.of.kind === 'name' ? base.of.name.slice(base.of.name.lastIndexOf('.') + 1) : '';
      for (const arg of base.args) {
        const type = arg.kind === 'name' ? this.value(arg, context) : undefined;
        if (type?.kind !== 'typevar') continue;
        if (head === 'Generic' || head === 'Protocol') return base.args.flatMap((a) => (a.kind === 'name' ? [a.name] : []));
        if (!found.includes(type.name)) found.push(type.name);
      }
    }
    return found;
  }

  private awaited(type: Maybe): Maybe {
    if (!type) return undefined;
    if (type.kind === 'coroutine') return type.result;
    return type.kind === 'union' ? this.mapUnion(type, (option) => this.awaited(option)) : undefined;
  }

  private enterResult(manager: Maybe, isAsync: boolean): Maybe {
    const entered = this.callResult(this.attribute(manager, isAsync ? '__aenter__' : '__enter__'));
    return isAsync ? this.awaited(entered) : entered;
  }

  private union(types: Maybe[]): Maybe {
    if (types.length === 0 || types.some((type) => type === undefined)) return undefined;
    const flat = (types as Type[]).flatMap((type) => (type.kind === 'union' ? type.options : [type]));
    const unique = new Map(flat.map((type) => [typeKey(type), type]));
    return unique.size === 1 ? [...unique.values()][0] : { kind: 'union', options: [...unique.values()] };
  }

  private mapUnion(type: Maybe, map: (option: Type) => Maybe): Maybe {
    if (!type) return undefined;
    if (type.kind !== 'union') return map(type);
    return this.union(type.options.filter((option) => option.kind !== 'none').map(map));
  }

  private guarded(evaluate: () => Maybe): Maybe {
    if (this.depth > MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return evaluate();
    } finally {
      this.depth--;
    }
  }
}

/** Every name `text` might bind (a cheap over-approximation of localBindings: a name not in it is surely not bound). */
function namesMaybeBound(text: string): Set<string> {
  const names = new Set<string>();
  const add = (list: string) => {
    for (const name of list.match(/[A-Za-z_]\w*/g) ?? []) names.add(name);
  };
  // `a = …`, `a: T = …`, `a, b = …`, `(a, b) = …`
  for (const match of text.matchAll(/^[ \t]*([\w\s,()*\[\]]+?)\s*(:[^=\n]*)?=(?!=)/gm)) add(match[1]);
  // `as a`, `def a`, `class a`, `del a`, `global a, b`, `nonlocal a`, `for a, b in`, `import a`, `a := …`
  for (const match of text.matchAll(/\b(?:as|def|class|del|global|nonlocal|for|import)\s+([\w\s,()*]+)/g)) add(match[1]);
  for (const match of text.matchAll(/\b([A-Za-z_]\w*)\s*:=/g)) names.add(match[1]);
  return names;
}

/** `object`, `Generic[T]`, `Protocol`, `ABC`, typing's and collections.abc's classes: nothing a method could come from. */
function isTypingBase(base: Expr, module: ModuleSummary): boolean {
  const head = base.kind === 'subscript' ? base.of : base;
  if (head.kind !== 'name') return false;
  if (head.name === 'object') return true;
  const [first] = head.name.split('.');
  const imported = module.names.get(first);
  const target = imported?.length === 1 && imported[0].kind === 'import' ? imported[0].target : undefined;
  return target !== undefined && /^(typing|typing_extensions|abc|collections\.abc)(\.|$)/.test(target);
}

function qualify(module: ModuleSummary, name: string): string {
  return module.name ? `${module.name}.${name}` : name;
}

export function typeKey(type: Type): string {
  switch (type.kind) {
    case 'instance':
      return `i:${type.cls.qualified}[${type.args.map(typeKey).join(',')}]`;
    case 'class':
      return `c:${type.cls.qualified}`;
    case 'module':
      return `m:${type.summary.name}`;
    case 'function':
      return `f:${type.module.name}.${type.fn.name}:${type.bound ? typeKey(type.bound) : ''}`;
    case 'coroutine':
      return `co:${type.result ? typeKey(type.result) : '?'}`;
    case 'union':
      return `u:${type.options.map(typeKey).sort().join('|')}`;
    case 'tuple':
      return `t:${type.items.map(typeKey).join(',')}`;
    case 'typevar':
      return `v:${type.name}`;
    case 'none':
      return 'none';
  }
}
