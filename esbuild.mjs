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
  // `npm start`'s driver; not shipped (see .vscodeignore).
  esbuild.build({ ...common, entryPoints: [join(root, 'scripts/demo.ts')], outfile: join(dist, 'demo.js') }),
]);

// The runtime runs inside the user's program: ship the package only, no tests or caches.
cpSync(join(root, 'runtime/asyncio_lens'), join(dist, 'runtime/asyncio_lens'), {
  recursive: true,
  filter: (src) => !/__pycache__|\.pyc$/.test(src),
});
console.log(`built dist/ (${production ? 'production' : 'development'})`);
