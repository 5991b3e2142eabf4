import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grammarFromNodeModules } from './testing/grammar';
import { WorkspaceModules } from './workspaceModules';

const root = mkdtempSync(join(tmpdir(), 'alens-workspace-'));
const extra = mkdtempSync(join(tmpdir(), 'alens-extra-'));
const venvSite = join(root, '.venv', 'lib', 'python3.12', 'site-packages');
mkdirSync(join(root, 'pkg'));
mkdirSync(join(venvSite, 'vendored'), { recursive: true });
writeFileSync(join(root, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
writeFileSync(join(root, 'helpers.py'), 'async def fetch(): ...\ndef parse(): ...\n');
writeFileSync(join(root, 'pkg', '__init__.py'), 'from .jobs import run_job\n');
writeFileSync(join(root, 'pkg', 'jobs.py'), 'from . import helpers2\nasync def run_job(): ...\n');
writeFileSync(join(venvSite, 'vendored', '__init__.py'), 'class Client:\n    async def close(self): ...\n');
writeFileSync(join(extra, 'extralib.py'), 'class Thing:\n    def __init__(self):\n        self.x = 1\n');
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(extra, { recursive: true, force: true });
});

describe('WorkspaceModules', () => {
  it('finds imported modules in the workspace, relative to the document, in extra paths and in virtual environments', async () => {
    const modules = new WorkspaceModules((await grammarFromNodeModules()).newParser(), () => [root], () => [extra]);
    const document = join(root, 'pkg', 'main.py');
    const helpers = modules.summaryOf(document, 'helpers');
    expect(helpers?.name).toBe('helpers');
    expect(helpers?.names.get('fetch')?.[0]).toMatchObject({ kind: 'function', info: { isAsync: true } });
    // A relative import from the document, and relative imports inside the module made absolute.
    const jobs = modules.summaryOf(document, '.jobs');
    expect(jobs?.name).toBe('pkg.jobs');
    expect(jobs?.names.get('helpers2')).toEqual([{ kind: 'import', target: 'pkg.helpers2' }]);
    expect(modules.summaryOf(document, 'pkg')?.names.get('run_job')).toEqual([{ kind: 'import', target: 'pkg.jobs.run_job' }]);
    expect(modules.summaryOf(document, 'vendored')?.name).toBe('vendored');
    const thing = modules.summaryOf(document, 'extralib')?.names.get('Thing')?.[0];
    // Read eagerly: the syntax tree is gone, the attributes are still there.
    expect(thing?.kind === 'class' && thing.info.attribute('x')?.length).toBe(1);
    expect(modules.summaryOf(document, 'nowhere')).toBeUndefined();
    expect(modules.summaryOf(undefined, '.jobs')).toBeUndefined();
  });
});
