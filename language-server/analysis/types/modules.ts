// Where module summaries come from: the built-in stubs (asyncio, threading, multiprocessing), then the host
// (the server reads the workspace and the environment's site-packages; tests pass a map).
import type { PythonGrammar } from '../../syntax/pythonParser';
import { summarizeModule, type ModuleSummary } from './moduleSummary';
import { ASYNCIO_SUBMODULES, STUB_SOURCES } from './stubs';
import type { ModuleFinder } from './typeEvaluator';

/** A module's summary by qualified name; names with leading dots are relative to the document being analysed. */
export type ModuleHost = (name: string) => ModuleSummary | undefined;

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
  return (name) => (name.split('.')[0] in STUB_SOURCES ? stubModule(grammar, name) : host?.(name));
}
