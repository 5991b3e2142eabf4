import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM helper without types
import { findPythons } from '../../scripts/pythons.mjs';
import { ROOT } from './adapterClient';

// The example needs asyncio.TaskGroup (3.11+).
const python = (findPythons() as { minor: string; path: string }[]).find((p) => Number(p.minor.split('.')[1]) >= 11);

describe('npm start (dist/demo.js)', () => {
  it('prints the live task tree of the example, then its output and exit code', () => {
    expect(python, 'a CPython 3.11+ for the example').toBeDefined();
    const run = spawnSync('node', [join(ROOT, 'dist', 'demo.js')], {
      env: { ...process.env, ASYNCIO_LENS_PYTHON: python!.path },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/── live tasks \(\d+\) ──\n.*\(main\)/);
    expect(run.stdout).toMatch(/├─ producer \(producer\)/);
    expect(run.stdout).toMatch(/fetcher-\d \(fetcher\)/);
    expect(run.stdout).toMatch(/── program output ──\n[\s\S]*crawled 12 pages, 1 timed out: \[7\]/);
    expect(run.stdout).toMatch(/── exit code: 0 ──/);
  });
});
