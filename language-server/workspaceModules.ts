// Module summaries of the Python files a document imports, read from the workspace, the folders in
// `asyncioLens.lint.extraPaths`, and the site-packages of the workspace's virtual environments.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { absoluteModule, summarizeModule, type ModuleSummary } from './analysis/types/moduleSummary';
import { asyncDefNames, type ModuleHost, type NameSet } from './analysis/types/modules';

/** Imported modules bigger than this are not read: the lookup must stay cheap on every keystroke. */
const MAX_MODULE_BYTES = 1_000_000;
const VENV_FOLDERS = ['.venv', 'venv', 'env', '.env'];
/**
 * How long the folders searched, where a module name was found, a module's scanned text and what it reaches are
 * trusted before the files are looked at again: a new module, or new `async def`s, count within half a minute.
 * (The summaries type inference reads are checked against the file's modification time on every analysis.)
 */
const REFRESH_MS = 30_000;
/** How long "no such module" is trusted: most imports name the standard library, which is never found here. */
const MISSING_REFRESH_MS = 60_000;
/** At most this many modules are scanned for the async names reachable from one document. */
const MAX_REACHABLE_MODULES = 3_000;

/** What a module's text says without parsing it: the names its `async def`s define, and what it imports. */
interface ScannedModule {
  at: number;
  mtimeMs: number;
  moduleName: string;
  asyncNames: string[];
  imports: string[];
  /** `from pkg import a, b`: `pkg.a` and `pkg.b` are modules too when `pkg` is a package. */
  fromImports: [string, string[]][];
}

export class WorkspaceModules {
  /** Path → modification time and the module's summary. */
  private readonly cache = new Map<string, { mtimeMs: number; summary: ModuleSummary }>();
  private searchPath: { key: string; at: number; folders: string[] } | undefined;
  private readonly located = new Map<string, { at: number; path: string | undefined }>();
  private readonly scanned = new Map<string, ScannedModule>();
  private readonly closures = new Map<string, { at: number; names: ReadonlySet<string> }>();
  private readonly packageRoots = new Map<string, { at: number; root: string }>();

  constructor(
    private readonly parser: Parser,
    private readonly roots: () => readonly string[],
    private readonly extraPaths: () => readonly string[] = () => [],
  ) {}

  /** The modules as the document at `documentPath` imports them. */
  hostFor(documentPath: string | undefined): ModuleHost {
    return {
      summary: (name) => this.summaryOf(documentPath, name),
      asyncNamesReachable: (imported) => this.asyncNamesReachable(documentPath, imported),
    };
  }

  /** The summary of `moduleName` as imported by the document at `documentPath` (leading dots: relative to it). */
  summaryOf(documentPath: string | undefined, moduleName: string): ModuleSummary | undefined {
    const path = this.locate(documentPath, moduleName);
    return path === undefined ? undefined : this.summaryAt(path);
  }

  /**
   * Names of `async def`s in the modules reachable from `imported` (module or module.name), read from their text:
   * each imported module and what it imports from its own top-level package. What a package imports from others
   * is far less often what the document calls, and following it would read much of the standard library.
   */
  asyncNamesReachable(documentPath: string | undefined, imported: readonly string[]): NameSet {
    const closures = new Set<ReadonlySet<string>>();
    const starts = new Set(imported.flatMap((name) => [name, name.slice(0, Math.max(name.lastIndexOf('.'), 0))]).filter(Boolean));
    for (const start of starts) {
      const path = this.locate(documentPath, start);
      if (path !== undefined) closures.add(this.closureOf(path));
    }
    // Asked a few times per document: looking in each closure beats copying them into one set.
    return { has: (name) => [...closures].some((names) => names.has(name)) };
  }

  /** The async names of a module and of the modules of its top-level package that it reaches, shared by every document. */
  private closureOf(start: string): ReadonlySet<string> {
    const now = Date.now();
    const known = this.closures.get(start);
    if (known && now - known.at < REFRESH_MS) return known.names;
    const names = new Set<string>();
    const visited = new Set<string>();
    const topLevel = (name: string) => name.split('.')[0];
    const own = topLevel(this.scan(start).moduleName);
    const queue = [start];
    for (let path = queue.shift(); path !== undefined && visited.size < MAX_REACHABLE_MODULES; path = queue.shift()) {
      if (visited.has(path)) continue;
      visited.add(path);
      const module = this.scan(path);
      for (const name of module.asyncNames) names.add(name);
      const next = [...module.imports];
      for (const [from, imported] of module.fromImports) {
        if (basename(this.locate(path, from) ?? '') === '__init__.py') for (const name of imported) next.push(`${from}.${name}`);
      }
      for (const name of next) {
        if (topLevel(name) !== own) continue;
        const found = this.locate(path, name);
        if (found !== undefined && !visited.has(found)) queue.push(found);
      }
    }
    this.closures.set(start, { at: now, names });
    return names;
  }

  /** Where a module name leads from a document, remembered for a few seconds (a keystroke must not stat every import). */
  private locate(documentPath: string | undefined, moduleName: string): string | undefined {
    // Absolute names are found the same way from every document of a package: one entry for all of them.
    const from = documentPath && (moduleName.startsWith('.') ? dirname(documentPath) : this.packageRoot(dirname(documentPath)));
    const key = `${from}\n${moduleName}`;
    const now = Date.now();
    const known = this.located.get(key);
    if (known && now - known.at < (known.path ? REFRESH_MS : MISSING_REFRESH_MS)) return known.path;
    // A file found before is checked first: it is almost always still there.
    const path = known?.path && isModuleFile(known.path) ? known.path : this.candidateFiles(documentPath, moduleName).find(isModuleFile);
    this.located.set(key, { at: now, path });
    return path;
  }

  /** The folder above the outermost package holding `dir`: where its absolute imports start. */
  private packageRoot(dir: string): string {
    const now = Date.now();
    const known = this.packageRoots.get(dir);
    if (known && now - known.at < REFRESH_MS) return known.root;
    let root = dir;
    while (existsSync(join(root, '__init__.py')) && dirname(root) !== root) root = dirname(root);
    this.packageRoots.set(dir, { at: now, root });
    return root;
  }

  private scan(path: string): ScannedModule {
    const now = Date.now();
    const known = this.scanned.get(path);
    if (known && now - known.at < REFRESH_MS) return known;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (known && stat?.mtimeMs === known.mtimeMs) {
      known.at = now;
      return known;
    }
    let text = '';
    try {
      text = stat && stat.size <= MAX_MODULE_BYTES ? readFileSync(path, 'utf8') : '';
    } catch {
      // Gone since it was located: nothing reachable through it.
    }
    const isPackage = basename(path) === '__init__.py';
    const moduleName = moduleNameOf(path, isPackage);
    const imports: string[] = [];
    const fromImports: [string, string[]][] = [];
    for (const match of text.matchAll(/^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w, \t\n]*)|import[ \t]+([\w., \t]+))/gm)) {
      const [, from, names, plain] = match;
      if (plain) {
        for (const name of plain.split(',')) imports.push(name.trim().split(/\s+/)[0]);
        continue;
      }
      const module = absoluteModule(from, moduleName, isPackage);
      if (!module) continue;
      imports.push(module);
      fromImports.push([module, names.split(/[\s,]+/).filter((n) => /^\w+$/.test(n) && n !== 'as')]);
    }
    const scanned = { at: now, mtimeMs: stat?.mtimeMs ?? 0, moduleName, asyncNames: asyncDefNames(text), imports: imports.filter(Boolean), fromImports };
    this.scanned.set(path, scanned);
    return scanned;
  }

  private candidateFiles(documentPath: string | undefined, moduleName: string): string[] {
    const leadingDots = /^\.*/.exec(moduleName)![0].length;
    const parts = moduleName.slice(leadingDots).split('.').filter(Boolean);
    let bases: string[];
    if (leadingDots > 0) {
      if (!documentPath) return [];
      let base = dirname(documentPath);
      for (let i = 1; i < leadingDots; i++) base = dirname(base);
      bases = [base];
    } else {
      if (parts.length === 0) return [];
      // The folder above the document's outermost package (the document's own folder for a script) comes first.
      bases = [...(documentPath ? [this.packageRoot(dirname(documentPath))] : []), ...this.folders()];
    }
    return [...new Set(bases)].flatMap((base) => (parts.length ? [join(base, ...parts) + '.py', join(base, ...parts, '__init__.py')] : [join(base, '__init__.py')]));
  }

  /** Workspace folders, extra paths, and the site-packages of virtual environments found in the workspace or active. */
  private folders(): string[] {
    const roots = this.roots();
    const extra = this.extraPaths().map((path) => (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || !roots[0] ? path : join(roots[0], path)));
    const key = [...roots, '|', ...extra].join('\n');
    const now = Date.now();
    if (this.searchPath?.key === key && now - this.searchPath.at < REFRESH_MS) return this.searchPath.folders;
    const environments = [...roots.flatMap((root) => VENV_FOLDERS.map((folder) => join(root, folder))), process.env.VIRTUAL_ENV, process.env.CONDA_PREFIX];
    const sitePackages = environments.flatMap((env) => (env && existsSync(env) ? sitePackagesOf(env) : []));
    const folders = [...roots, ...extra, ...sitePackages];
    this.searchPath = { key, at: now, folders };
    return folders;
  }

  private summaryAt(path: string): ModuleSummary | undefined {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > MAX_MODULE_BYTES) return undefined;
    const cached = this.cache.get(path);
    if (cached?.mtimeMs === stat.mtimeMs) return cached.summary;
    const tree = this.parser.parse(readFileSync(path, 'utf8'));
    if (!tree) return undefined;
    const isPackage = basename(path) === '__init__.py';
    // Eager: the tree is deleted right after.
    const summary = summarizeModule(tree.rootNode, moduleNameOf(path, isPackage), isPackage, true);
    tree.delete();
    this.cache.set(path, { mtimeMs: stat.mtimeMs, summary });
    return summary;
  }
}

function isModuleFile(path: string): boolean {
  // No exception for a missing file: most candidates are missing, and a thrown error costs far more than the stat.
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** `…/site-packages/aiohttp/client.py` → `aiohttp.client`: climbs the folders that are packages (hold `__init__.py`). */
function moduleNameOf(path: string, isPackage: boolean): string {
  const parts = isPackage ? [] : [basename(path, '.py')];
  let dir = dirname(path);
  while (existsSync(join(dir, '__init__.py')) && dirname(dir) !== dir) {
    parts.unshift(basename(dir));
    dir = dirname(dir);
  }
  return parts.join('.');
}

function sitePackagesOf(env: string): string[] {
  const windows = join(env, 'Lib', 'site-packages');
  const lib = join(env, 'lib');
  const posix = existsSync(lib) ? readdirSync(lib).filter((name) => name.startsWith('python')).map((name) => join(lib, name, 'site-packages')) : [];
  return [...posix, windows].filter((folder) => existsSync(folder));
}
