// Module summaries of the Python files a document imports, read from the workspace, the folders in
// `asyncioLens.lint.extraPaths`, and the site-packages of the workspace's virtual environments.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { summarizeModule, type ModuleSummary } from './analysis/types/moduleSummary';

/** Imported modules bigger than this are not read: the lookup must stay cheap on every keystroke. */
const MAX_MODULE_BYTES = 1_000_000;
const VENV_FOLDERS = ['.venv', 'venv', 'env', '.env'];
/** How long the list of folders searched is reused before virtual environments are looked for again. */
const SEARCH_PATH_REFRESH_MS = 5_000;

export class WorkspaceModules {
  /** Path → modification time and the module's summary. */
  private readonly cache = new Map<string, { mtimeMs: number; summary: ModuleSummary }>();
  private searchPath: { key: string; at: number; folders: string[] } | undefined;

  constructor(
    private readonly parser: Parser,
    private readonly roots: () => readonly string[],
    private readonly extraPaths: () => readonly string[] = () => [],
  ) {}

  /** The summary of `moduleName` as imported by the document at `documentPath` (leading dots: relative to it). */
  summaryOf(documentPath: string | undefined, moduleName: string): ModuleSummary | undefined {
    for (const file of this.candidateFiles(documentPath, moduleName)) {
      const summary = this.summaryAt(file);
      if (summary) return summary;
    }
    return undefined;
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
      bases = [...(documentPath ? [dirname(documentPath), packageRoot(dirname(documentPath))] : []), ...this.folders()];
    }
    return [...new Set(bases)].flatMap((base) => (parts.length ? [join(base, ...parts) + '.py', join(base, ...parts, '__init__.py')] : [join(base, '__init__.py')]));
  }

  /** Workspace folders, extra paths, and the site-packages of virtual environments found in the workspace or active. */
  private folders(): string[] {
    const roots = this.roots();
    const extra = this.extraPaths().map((path) => (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || !roots[0] ? path : join(roots[0], path)));
    const key = [...roots, '|', ...extra].join('\n');
    const now = Date.now();
    if (this.searchPath?.key === key && now - this.searchPath.at < SEARCH_PATH_REFRESH_MS) return this.searchPath.folders;
    const environments = [...roots.flatMap((root) => VENV_FOLDERS.map((folder) => join(root, folder))), process.env.VIRTUAL_ENV, process.env.CONDA_PREFIX];
    const sitePackages = environments.flatMap((env) => (env && existsSync(env) ? sitePackagesOf(env) : []));
    const folders = [...roots, ...extra, ...sitePackages];
    this.searchPath = { key, at: now, folders };
    return folders;
  }

  private summaryAt(path: string): ModuleSummary | undefined {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile() || stat.size > MAX_MODULE_BYTES) return undefined;
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

/** The folder above the outermost package holding `dir`: where its absolute imports start. */
function packageRoot(dir: string): string {
  while (existsSync(join(dir, '__init__.py')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function sitePackagesOf(env: string): string[] {
  const windows = join(env, 'Lib', 'site-packages');
  const lib = join(env, 'lib');
  const posix = existsSync(lib) ? readdirSync(lib).filter((name) => name.startsWith('python')).map((name) => join(lib, name, 'site-packages')) : [];
  return [...posix, windows].filter((folder) => existsSync(folder));
}
