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
import { FIXTURES, Harness, ROOT, startAdapter, waitForOutput } from './adapterClient';

const pythons = findPythons() as { minor: string; version: string; path: string }[];
const python = pythons[0].path;
/** Attach by process id needs CPython 3.14+ (sys.remote_exec, PEP 768). */
const remotePythons = pythons.filter((p) => Number(p.minor.split('.')[1]) >= 14);
const olderPython = pythons.find((p) => Number(p.minor.split('.')[1]) < 14);

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

/** Starts fixtures/idle_loop.py with plain python; resolves once it printed "ready PID". */
async function plainIdleProgram(interpreter: string, ...args: string[]) {
  const child = spawn(interpreter, [join(FIXTURES, 'idle_loop.py'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the program ended (${code}) before it was ready: ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (/^ready \d+$/m.test(out)) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, stdout: () => out, stderr: () => err, exited };
}

describe.each(remotePythons.map((p) => [p.version, p.path]))('attach by process id to a plain Python %s program', (_version, interpreter) => {
  let h: Harness;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
    child?.kill();
  });

  it('starts the agent in a program whose loop is idle, shows its tasks, stops at a breakpoint, and leaves it running on detach', async () => {
    const program = await plainIdleProgram(interpreter);
    child = program.child;
    const configured = h.client.waitForEvent('initialized').then(async () => {
      await h.client.setBreakpointsRequest({ source: { path: join(FIXTURES, 'idle_loop.py') }, breakpoints: [{ line: 28 }] });
      await h.client.configurationDoneRequest();
    });
    await h.client.initializeRequest();
    // An idle program sends one tasks event after the attach, and none until something changes.
    const firstTasks = h.client.waitForEvent('asyncioLens/tasksChanged');
    await Promise.all([configured, h.client.attachRequest({ processId: String(child.pid) } as DebugProtocol.AttachRequestArguments)]);
    await firstTasks;
    const seen = ((await h.client.send(CustomRequests.tasks)) as { body: Snapshot }).body;
    const main = seen.tasks.find((t) => t.coro === 'main')!;
    expect(main.waiting_on?.kind).toBe('stream.read');
    expect(seen.tasks.find((t) => t.name === 'worker-1')?.waiting_on?.kind).toBe('event');
    const stopped = h.client.waitForEvent('stopped');
    child.stdin!.write('hello\n');
    const stop = (await stopped) as DebugProtocol.StoppedEvent;
    expect(stop.body.reason).toBe('breakpoint');
    const { body } = await h.client.stackTraceRequest({ threadId: stop.body.threadId! });
    expect(body.stackFrames[0]).toMatchObject({ name: 'main', line: 28 });
    await h.client.continueRequest({ threadId: stop.body.threadId! });
    const terminated = h.client.waitForEvent('terminated');
    await h.client.disconnectRequest({ terminateDebuggee: false });
    await terminated.catch(() => undefined);
    expect(await program.exited).toBe(3);
    expect(program.stdout()).toBe(`ready ${child.pid}\nread hello [10, 20]\n`);
    expect(program.stderr()).toBe('');
  });

  it('says what it waits for while the main thread is blocked, and gives up on disconnect without touching the program', async () => {
    const program = await plainIdleProgram(interpreter, 'blocking');
    child = program.child;
    await h.client.initializeRequest();
    const attached = h.client.attachRequest({ processId: child.pid } as DebugProtocol.AttachRequestArguments);
    attached.catch(() => undefined);
    await waitForOutput(h, new RegExp(`waiting for process ${child.pid} to run Python code: its main thread is blocked in read`), 'console');
    await h.client.disconnectRequest({ terminateDebuggee: false });
    await expect(attached).rejects.toThrow(/Could not attach to process/);
    child.stdin!.write('hello\n');
    expect(await program.exited).toBe(3);
    // The attach script ran once the read returned, saw that the attach was given up, and did nothing.
    expect(program.stdout()).toBe(`ready ${child.pid}\nread hello [10, 20]\n`);
    expect(program.stderr()).toBe('');
  });
});

describe('attach by process id: refusals', () => {
  let h: Harness;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
    child?.kill();
  });

  it('a process that does not exist', async () => {
    await h.client.initializeRequest();
    const python = remotePythons[0]?.path ?? pythons[0].path;
    await expect(h.client.attachRequest({ processId: 4_000_000, python } as DebugProtocol.AttachRequestArguments)).rejects.toThrow(
      remotePythons.length ? /there is no process 4000000/ : /needs Python 3.14/,
    );
  });

  it.runIf(olderPython !== undefined)('a Python older than 3.14 says what to do instead', async () => {
    const program = await plainIdleProgram(olderPython!.path);
    child = program.child;
    await h.client.initializeRequest();
    await expect(h.client.attachRequest({ processId: child.pid } as DebugProtocol.AttachRequestArguments)).rejects.toThrow(
      /needs Python 3.14 or later \(this is 3\.1[0-3]\); start the program with `python -m asyncio_lens run --listen/,
    );
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
