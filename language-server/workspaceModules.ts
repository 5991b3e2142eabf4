// Which names other Python files of the workspace define with `async def`, for imports such as `from helpers import fetch`.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { decoratorsOf, isAsyncFunction, namedChildrenOf } from './syntax/nodes';

/** Imported modules bigger than this are not read: the lookup must stay cheap on every keystroke. */
const MAX_MODULE_BYTES = 1_000_000;
const TRANSPARENT_DECORATOR = /^(staticmethod|classmethod|(abc\.)?abstractmethod|(typing(_extensions)?\.)?(override|final))$/;

export class WorkspaceModules {
  /** Path → modification time and the module's top-level coroutine function names. */
  private readonly cache = new Map<string, { mtimeMs: number; coroutines: ReadonlySet<string> }>();

  constructor(private readonly parser: Parser, private readonly roots: () => readonly string[]) {}

  /** Qualified names among `imports`' values that are `async def`s at the top level of a workspace module. */
  coroutinesImportedBy(documentPath: string | undefined, imports: ReadonlyMap<string, string>): Set<string> {
    const found = new Set<string>();
    for (const qualified of new Set(imports.values())) {
      const dot = qualified.lastIndexOf('.');
      if (dot <= 0 && !qualified.startsWith('.')) continue;
      const modulePath = qualified.slice(0, dot);
      const name = qualified.slice(dot + 1);
      for (const file of this.candidateFiles(documentPath, modulePath)) {
        const coroutines = this.coroutinesOf(file);
        if (coroutines === undefined) continue;
        if (coroutines.has(name)) found.add(qualified);
        break;
      }
    }
    return found;
  }

  private candidateFiles(documentPath: string | undefined, modulePath: string): string[] {
    const leadingDots = /^\.*/.exec(modulePath)![0].length;
    const parts = modulePath.slice(leadingDots).split('.').filter(Boolean);
    let bases: string[];
    if (leadingDots > 0) {
      if (!documentPath) return [];
      let base = dirname(documentPath);
      for (let i = 1; i < leadingDots; i++) base = dirname(base);
      bases = [base];
    } else {
      if (parts.length === 0 || parts[0] === 'asyncio') return [];
      bases = [...(documentPath ? [dirname(documentPath)] : []), ...this.roots()];
    }
    return bases.flatMap((base) => (parts.length ? [join(base, ...parts) + '.py', join(base, ...parts, '__init__.py')] : [join(base, '__init__.py')]));
  }

  private coroutinesOf(path: string): ReadonlySet<string> | undefined {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile() || stat.size > MAX_MODULE_BYTES) return undefined;
    const cached = this.cache.get(path);
    if (cached?.mtimeMs === stat.mtimeMs) return cached.coroutines;
    const tree = this.parser.parse(readFileSync(path, 'utf8'));
    const coroutines = new Set<string>();
    const others = new Set<string>();
    for (const statement of tree ? namedChildrenOf(tree.rootNode) : []) {
      const assigned = statement.type === 'expression_statement' ? statement.firstNamedChild?.childForFieldName('left') : null;
      if (assigned?.type === 'identifier') others.add(assigned.text);
      const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      const name = definition?.childForFieldName('name')?.text;
      if (!definition || !name) continue;
      const transparent = decoratorsOf(definition).every((decorator) => TRANSPARENT_DECORATOR.test(decorator));
      (isAsyncFunction(definition) && transparent ? coroutines : others).add(name);
    }
    tree?.delete();
    // A name also bound as something else (a sync def or class of the same name) is not known to be a coroutine.
    for (const name of others) coroutines.delete(name);
    this.cache.set(path, { mtimeMs: stat.mtimeMs, coroutines });
    return coroutines;
  }
}
