// Bundles the extension and the debug adapter into dist/, and copies the Python runtime beside them.
// What the tests run is what ships in the .vsix.
import * as esbuild from 'esbuild';
import { cpSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: [join(root, 'extension/extension.ts')], outfile: join(dist, 'extension.js') }),
  esbuild.build({ ...common, entryPoints: [join(root, 'debug-adapter/main.ts')], outfile: join(dist, 'debugAdapter.js') }),
  esbuild.build({
    ...common,
    entryPoints: [join(root, 'language-server/server.ts')],
    outfile: join(dist, 'languageServer.js'),
    // web-tree-sitter's ESM build asks import.meta.url where it lives; in a CommonJS bundle that is this file.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  }),
  // `npm start`'s driver; not shipped (see .vscodeignore).
  esbuild.build({ ...common, entryPoints: [join(root, 'scripts/demo.ts')], outfile: join(dist, 'demo.js') }),
]);

// The runtime runs inside the user's program: ship the package only, no tests or caches.
cpSync(join(root, 'runtime/asyncio_lens'), join(dist, 'runtime/asyncio_lens'), {
  recursive: true,
  filter: (src) => !/__pycache__|\.pyc$/.test(src),
});
// The language server loads tree-sitter and the Python grammar as WebAssembly from beside its bundle.
cpSync(join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
cpSync(join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), join(dist, 'tree-sitter-python.wasm'));
console.log(`built dist/ (${production ? 'production' : 'development'})`);
