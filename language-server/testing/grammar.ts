// The grammar for tests and benchmarks that run from source: the .wasm files straight from node_modules.
import { dirname, join } from 'node:path';
import { loadPythonGrammar, type PythonGrammar } from '../syntax/pythonParser';

export function grammarFromNodeModules(): Promise<PythonGrammar> {
  return loadPythonGrammar({
    runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
    python: join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
  });
}
