import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM helper without types
import { findPythons } from '../../scripts/pythons.mjs';
import type { Snapshot } from '../../debug-adapter/agentProtocol';
import { CustomRequests } from '../../debug-adapter/customProtocol';
import { FIXTURES, Harness, ROOT, startAdapter } from './adapterClient';

const python = (findPythons() as { path: string }[])[0].path;

/** Starts a fixture under `--listen 127.0.0.1:0` and waits for the token file it writes. */
async function listening(args: string[]): Promise<{ child: ChildProcess; tokenFile: string; port: number; stdout: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lens-attach-'));
  const tokenFile = join(dir, 'token');
  let out = '';
  const child = spawn(python, [join(ROOT, 'dist', 'runtime', 'asyncio_lens'), 'run', '--listen', '127.0.0.1:0', '--token-file', tokenFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no token file within 30 s')), 30_000);
    const done = () => {
      if (existsSync(tokenFile) && readFileSync(tokenFile, 'utf8').includes('\n')) {
        clearTimeout(timer);
        watcher.close();
        resolve();
      }
    };
    const watcher = watch(dir, done);
    done();
  });
  const [, address] = readFileSync(tokenFile, 'utf8').split('\n');
  return { child, tokenFile, port: Number(address.split(':').pop()), stdout: () => out };
}

describe('attach to a program started with --listen', () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
    child?.kill();
  });

  it('runs the waiting program, shows its tasks, and detaches when it ends', async () => {
    const release = join(mkdtempSync(join(tmpdir(), 'lens-attach-')), 'release');
    const program = await listening([join(FIXTURES, 'named_tasks.py'), release]);
    child = program.child;
    const terminated = h.client.waitForEvent('terminated');
    // Not configurationSequence(): without launch() DebugClient does not know configurationDone is supported.
    const configured = h.client.waitForEvent('initialized').then(() => h.client.configurationDoneRequest());
    await h.client.initializeRequest();
    await Promise.all([configured, h.client.attachRequest({ port: program.port, tokenFile: program.tokenFile } as DebugProtocol.AttachRequestArguments)]);
    const seen = await waitForTasks(h);
    expect(seen.tasks.map((t) => t.name)).toEqual(expect.arrayContaining(['crawler', 'fetch-1', 'fetch-2']));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    writeFileSync(release, '');
    expect(await exited).toBe(7);
    await terminated;
    expect(program.stdout()).toContain('results [10, 20]');
  });

  it('a wrong token is refused with a clear message', async () => {
    const program = await listening([join(FIXTURES, 'output.py')]);
    child = program.child;
    await h.client.initializeRequest();
    const refused = expect(
      h.client.attachRequest({ port: program.port, token: 'not-the-token' } as DebugProtocol.AttachRequestArguments),
    ).rejects.toThrow(/refused the connection/);
    await h.client.configurationDoneRequest();
    await refused;
  });
});

/** Polls nothing: asks for a snapshot each time a tasks event arrives, until the fetches show. */
async function waitForTasks(h: Harness): Promise<Snapshot> {
  const nextEvent = () => {
    const event = h.client.waitForEvent('asyncioLens/tasksChanged');
    event.catch(() => undefined); // the last one is left waiting when the fetches show
    return event;
  };
  let next = nextEvent();
  for (;;) {
    await next;
    // Listen again before asking: an event that comes while the snapshot request is answered would be missed.
    next = nextEvent();
    const { body } = (await h.client.send(CustomRequests.tasks)) as { body: Snapshot };
    if (body.tasks.some((t) => t.name === 'fetch-2')) return body;
  }
}
