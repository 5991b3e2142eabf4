// Loads web-tree-sitter and the Python grammar (both WebAssembly) once per process.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export interface PythonGrammar {
  language: Language;
  newParser(): Parser;
}

/** Where the two .wasm files are: beside the bundle in dist/, or in node_modules when run from source (tests). */
export function wasmPaths(bundleDir: string = __dirname): { runtime: string; python: string } {
  const shipped = { runtime: join(bundleDir, 'tree-sitter.wasm'), python: join(bundleDir, 'tree-sitter-python.wasm') };
  if (existsSync(shipped.runtime) && existsSync(shipped.python)) return shipped;
  return {
    runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
    python: join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
  };
}

let loading: Promise<PythonGrammar> | undefined;

export function loadPythonGrammar(paths = wasmPaths()): Promise<PythonGrammar> {
  loading ??= (async () => {
    await Parser.init({ locateFile: () => paths.runtime });
    const language = await Language.load(paths.python);
    return {
      language,
      newParser() {
        const parser = new Parser();
        parser.setLanguage(language);
        return parser;
      },
    };
  })();
  return loading;
}
