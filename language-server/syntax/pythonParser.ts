// Loads web-tree-sitter and the Python grammar (both WebAssembly) once per process.
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export interface PythonGrammar {
  language: Language;
  newParser(): Parser;
}

export interface WasmPaths {
  runtime: string;
  python: string;
}

/** The two .wasm files as esbuild.mjs ships them: beside the server bundle in dist/. */
export function shippedWasmPaths(bundleDir: string): WasmPaths {
  return { runtime: join(bundleDir, 'tree-sitter.wasm'), python: join(bundleDir, 'tree-sitter-python.wasm') };
}

let loading: Promise<PythonGrammar> | undefined;

export function loadPythonGrammar(paths: WasmPaths): Promise<PythonGrammar> {
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
