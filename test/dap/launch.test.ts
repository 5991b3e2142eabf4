import { DebugProtocol } from '@vscode/debugprotocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot, TasksChangedParams } from '../../debug-adapter/agentProtocol';
import { CustomEvents, CustomRequests } from '../../debug-adapter/customProtocol';
import { TaskTreeModel } from '../../extension/model/taskTree';
// @ts-expect-error: plain ESM helper without types
import { checkRequired, findPythons } from '../../scripts/pythons.mjs';
import { FIXTURES, Harness, launch, startAdapter, waitForOutput } from './adapterClient';

const pythons: { minor: string; version: string; path: string }[] = findPythons();
checkRequired(pythons);
if (pythons.length === 0) throw new Error('No CPython 3.10+ found: the protocol tier cannot run.');

/** Applies task events to a model until the predicate holds. */
function waitForTasks(h: Harness, predicate: (m: TaskTreeModel) => boolean): Promise<TaskTreeModel> {
  const model = new TaskTreeModel();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tasks never matched; last seen: ${model.labels().join(', ')}`)), 30_000);
    const onEvent = (e: DebugProtocol.Event) => {
      model.apply(e.body as TasksChangedParams);
      if (predicate(model)) {
        clearTimeout(timer);
        h.client.removeListener(CustomEvents.tasksChanged, onEvent);
        resolve(model);
      }
    };
    h.client.on(CustomEvents.tasksChanged, onEvent);
  });
}

/** Both end events, listened for before they can arrive (they come in one burst). */
function endOfSession(h: Harness) {
  return {
    exited: h.client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>,
    terminated: h.client.waitForEvent('terminated'),
  };
}

describe.each(pythons)('Python $version', ({ path: python }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
  });

  it('streams the tasks, answers a snapshot with parents and where each waits, and reports the exit code', async () => {
    const release = join(mkdtempSync(join(tmpdir(), 'lens-dap-')), 'release');
    const program = join(FIXTURES, 'named_tasks.py');
    const { exited, terminated } = endOfSession(h);
    await launch(h.client, { program, args: [release], python });

    const wanted = ['crawler', 'watcher', 'fetch-1', 'fetch-2'];
    await waitForTasks(h, (m) => wanted.every((name) => m.labels().includes(name)));

    const { body: snapshot } = (await h.client.send(CustomRequests.tasks)) as { body: Snapshot };
    const byName = new Map(snapshot.tasks.map((t) => [t.name, t]));
    const main = snapshot.tasks.find((t) => t.coro.endsWith('main'));
    expect(main, 'asyncio.run main task').toBeDefined();
    expect(main!.parent).toBeNull();
    expect(byName.get('crawler')!.parent).toBe(main!.id);
    expect(byName.get('watcher')!.parent).toBe(main!.id);
    for (const name of ['fetch-1', 'fetch-2']) {
      const task = byName.get(name)!;
      expect(task.parent, `${name}'s parent`).toBe(byName.get('crawler')!.id);
      expect(task.coro).toBe('fetch');
      expect(task.state).toBe('pending');
      const userFrames = task.chain.filter((f) => f.file === program);
      expect(userFrames.at(-1), `${name} waits in fetch()`).toMatchObject({ name: 'fetch', line: 16 });
    }
    expect(byName.get('crawler')!.chain.filter((f) => f.file === program).at(-1)).toMatchObject({ name: 'crawl', line: 22 });

    writeFileSync(release, '');
    const { body } = await exited;
    expect(body.exitCode).toBe(7);
    await terminated;
    expect(h.output('stdout')).toBe('fixture started\nresults [10, 20]\n');
  });

  it('forwards stdout and stderr as UTF-8, passes args, and keeps the token from the program', async () => {
    const { exited, terminated } = endOfSession(h);
    await launch(h.client, { program: join(FIXTURES, 'output.py'), args: ['a b', '--flag'], python });
    expect((await exited).body.exitCode).toBe(0);
    await terminated;
    expect(h.output('stdout')).toBe("hello stdout: naïve café ✓\nargv ['a b', '--flag']\ntoken visible: False\n");
    expect(h.output('stderr')).toBe('hello stderr\n');
  });

  it('a syntax error in the program prints like python and exits 1', async () => {
    const { exited, terminated } = endOfSession(h);
    await launch(h.client, { program: join(FIXTURES, 'syntax_error.py'), python });
    expect((await exited).body.exitCode).toBe(1);
    await terminated;
    expect(h.output('stderr')).toMatch(/syntax_error\.py", line 2[\s\S]*SyntaxError/);
    expect(h.output('stdout')).toBe('');
  });

  it('an uncaught exception prints its traceback without runtime frames and exits 1', async () => {
    const { exited, terminated } = endOfSession(h);
    await launch(h.client, { program: join(FIXTURES, 'raises.py'), python });
    expect((await exited).body.exitCode).toBe(1);
    await terminated;
    const stderr = h.output('stderr');
    expect(stderr).toMatch(/^Traceback \(most recent call last\):/);
    expect(stderr).toMatch(/ValueError: boom from the fixture\n$/);
    expect(stderr).not.toMatch(/asyncio_lens/);
  });

  it('os._exit(3) ends the session with exit code 3 and keeps the output', async () => {
    const { exited, terminated } = endOfSession(h);
    await launch(h.client, { program: join(FIXTURES, 'os_exit.py'), python });
    expect((await exited).body.exitCode).toBe(3);
    await terminated;
    expect(h.output('stdout')).toBe('about to os._exit(3)\n');
    expect(h.output('stderr')).toBe('stderr line\n');
    expect(h.output('console')).toMatch(/exited with code 3/);
  });

  it('terminate ends a running program', async () => {
    const release = join(mkdtempSync(join(tmpdir(), 'lens-dap-')), 'never-written');
    await launch(h.client, { program: join(FIXTURES, 'named_tasks.py'), args: [release], python });
    await waitForOutput(h, /fixture started/, 'stdout');
    const terminated = h.client.waitForEvent('terminated');
    await h.client.terminateRequest();
    await terminated;
  });
});

describe('bad launch configurations get a clear error', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
  });

  const python = pythons[0].path;

  it.each([
    ['a missing interpreter', { program: join(FIXTURES, 'output.py'), python: join(FIXTURES, 'no-such-python') }, /Python interpreter ".*no-such-python" was not found/],
    ['a missing program', { program: join(FIXTURES, 'no_such_program.py'), python }, /The program ".*no_such_program\.py" does not exist/],
    ['a missing cwd', { program: join(FIXTURES, 'output.py'), cwd: join(FIXTURES, 'no-such-dir'), python }, /working directory .* does not exist/],
    ['no program at all', { python }, /"program" must be the path of a Python file/],
  ])('%s', async (_what, args, message) => {
    await h.client.initializeRequest();
    const refused = expect(h.client.launchRequest(args as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(message);
    await h.client.configurationDoneRequest();
    await refused;
  });
});
