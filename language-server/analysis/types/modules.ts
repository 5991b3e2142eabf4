// Where module summaries come from: the built-in stubs (asyncio, threading, multiprocessing), then the host
// (the server reads the workspace and the environment's site-packages; tests pass a map).
import type { PythonGrammar } from '../../syntax/pythonParser';
import { summarizeModule, type ModuleSummary } from './moduleSummary';
import { ASYNCIO_SUBMODULES, STUB_SOURCES } from './stubs';
import type { ModuleFinder } from './typeEvaluator';

/** The modules a document can import: by qualified name; names with leading dots are relative to the document. */
export interface ModuleHost {
  summary(name: string): ModuleSummary | undefined;
  /**
   * Every name some `async def` defines in the modules reachable from `imported` through imports, read from their
   * text without parsing: a method of another name cannot make a coroutine, so type inference is not even tried.
   */
  asyncNamesReachable(imported: readonly string[]): NameSet;
}

export interface NameSet {
  has(name: string): boolean;
}

/** `async def NAME` in a source text. */
export function asyncDefNames(text: string): string[] {
  return [...text.matchAll(/\basync\s+def\s+([A-Za-z_]\w*)/g)].map((match) => match[1]);
}

export const STUB_COROUTINE_NAMES: ReadonlySet<string> = new Set(Object.values(STUB_SOURCES).flatMap(asyncDefNames));

const stubCache = new WeakMap<PythonGrammar['language'], Map<string, ModuleSummary>>();

export function stubModule(grammar: PythonGrammar, name: string): ModuleSummary | undefined {
  const [top, ...rest] = name.split('.');
  if (!(top in STUB_SOURCES)) return undefined;
  if (rest.length > 0 && !(top === 'asyncio' && rest.length === 1 && ASYNCIO_SUBMODULES.includes(rest[0]))) return undefined;
  let stubs = stubCache.get(grammar.language);
  if (!stubs) stubCache.set(grammar.language, (stubs = new Map()));
  let summary = stubs.get(top);
  if (!summary) {
    // The stub's tree stays alive with the summary: it is small, and parsed once per process.
    const tree = grammar.newParser().parse(STUB_SOURCES[top])!;
    stubs.set(top, (summary = summarizeModule(tree.rootNode, top, true, true)));
  }
  return summary;
}

export function moduleFinder(grammar: PythonGrammar, host?: ModuleHost): ModuleFinder {
  // The standard library modules that the stubs describe are never looked for on disk.
  return (name) => (name.split('.')[0] in STUB_SOURCES ? stubModule(grammar, name) : host?.summary(name));
}
