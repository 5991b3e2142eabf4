import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProtocol } from './agentProtocol';

describe('agent protocol', () => {
  it('the Python mirror (runtime/asyncio_lens/_protocol.py) agrees with agentProtocol.ts', () => {
    const python = process.env.ASYNCIO_LENS_PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
    const out = execFileSync(
      python,
      ['-c', 'import json; from asyncio_lens._protocol import describe; print(json.dumps(describe()))'],
      { cwd: join(__dirname, '..', 'runtime'), encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(describeProtocol());
  });
});
