import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grammarFromNodeModules } from './testing/grammar';
import { WorkspaceModules } from './workspaceModules';

const root = mkdtempSync(join(tmpdir(), 'alens-workspace-'));
mkdirSync(join(root, 'pkg'));
writeFileSync(join(root, 'helpers.py'), 'async def fetch(): ...\ndef parse(): ...\n@retry\nasync def wrapped(): ...\nasync def both(): ...\nboth = 1\n');
writeFileSync(join(root, 'pkg', '__init__.py'), 'async def start(): ...\n');
writeFileSync(join(root, 'pkg', 'jobs.py'), 'async def run_job(): ...\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('WorkspaceModules', () => {
  it('finds top-level async defs of imported workspace modules, relative imports included', async () => {
    const modules = new WorkspaceModules((await grammarFromNodeModules()).newParser(), () => [root]);
    const imports = new Map([
      ['fetch', 'helpers.fetch'],
      ['parse', 'helpers.parse'],
      ['wrapped', 'helpers.wrapped'],
      ['both', 'helpers.both'],
      ['start', 'pkg.start'],
      ['run_job', '.jobs.run_job'],
      ['sleep', 'asyncio.sleep'],
      ['missing', 'nowhere.missing'],
    ]);
    const found = modules.coroutinesImportedBy(join(root, 'pkg', 'main.py'), imports);
    expect([...found].sort()).toEqual(['.jobs.run_job', 'helpers.fetch', 'pkg.start']);
  });
});
