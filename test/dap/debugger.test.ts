/**
 * The debugger end to end: DebugClient against the built adapter (dist/), which drives the
 * runtime's engine, on every CPython found. Lines are found by `# @marker` comments in the
 * fixtures. Every wait is for an event; the listener is registered before the request that
 * causes it.
 */
import { DebugProtocol } from '@vscode/debugprotocol';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot, TasksChangedParams } from '../../debug-adapter/agentProtocol';
import { CustomEvents, CustomRequests } from '../../debug-adapter/customProtocol';
import { TASK_THREAD_BASE } from '../../debug-adapter/taskThreads';
// @ts-expect-error: plain ESM helper without types
import { checkRequired, findPythons } from '../../scripts/pythons.mjs';
import { FIXTURES, Harness, startAdapter, waitForOutput } from './adapterClient';

const pythons: { minor: string; version: string; path: string }[] = findPythons();
checkRequired(pythons);
if (pythons.length === 0) throw new Error('No CPython 3.10+ found: the protocol tier cannot run.');

const GRAPH = join(FIXTURES, 'async_graph.py');
const BUSY = join(FIXTURES, 'busy.py');
const EXCEPTIONS = join(FIXTURES, 'exceptions.py');
const VALUES = join(FIXTURES, 'values.py');
const CANCEL = join(FIXTURES, 'cancel_me.py');
const TICKER = join(FIXTURES, 'ticker.py');

/** Line of the `# @marker` comment in a fixture. */
function line(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.trimEnd().endsWith(`# @${marker}`));
  if (i < 0) throw new Error(`no marker ${marker} in ${file}`);
  return i + 1;
}

type Bp = Omit<DebugProtocol.SourceBreakpoint, 'line'> & { line?: number; marker?: string };

interface Setup {
  breakpoints?: Record<string, Bp[]>;
  filters?: string[];
  args?: string[];
  justMyCode?: boolean;
  stopOnEntry?: boolean;
}

function sourceBreakpoints(file: string, bps: Bp[]): DebugProtocol.SourceBreakpoint[] {
  return bps.map(({ marker, ...bp }) => ({ ...bp, line: marker ? line(file, marker) : (bp.line ?? 0) }));
}

describe.each(pythons)('Python $version', ({ path: python }) => {
  let h: Harness;
  let breakpointResults: Record<string, DebugProtocol.Breakpoint[]>;
  beforeEach(async () => {
    h = await startAdapter();
    breakpointResults = {};
  });
  afterEach(async () => {
    await h.client.stop();
  });

  /** Initialize, set breakpoints and exception filters, configurationDone, launch: as VS Code does. */
  async function start(program: string, setup: Setup = {}): Promise<void> {
    const configured = h.client.waitForEvent('initialized').then(async () => {
      for (const [file, bps] of Object.entries(setup.breakpoints ?? {})) {
        const r = await h.client.setBreakpointsRequest({ source: { path: file }, breakpoints: sourceBreakpoints(file, bps) });
        breakpointResults[file] = r.body.breakpoints;
      }
      await h.client.setExceptionBreakpointsRequest({ filters: setup.filters ?? [] });
      await h.client.configurationDoneRequest();
    });
    await Promise.all([
      configured,
      h.client.launch({
        program,
        python,
        args: setup.args ?? [],
        justMyCode: setup.justMyCode ?? true,
        stopOnEntry: setup.stopOnEntry ?? false,
        tasksUpdateIntervalMs: 20,
      }),
    ]);
  }

  /** Sends a request after listening for the stop it causes; returns the stopped event. */
  async function stopAfter(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stopped = h.client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await request();
    return stopped;
  }

  async function frames(threadId = 1): Promise<DebugProtocol.StackFrame[]> {
    return (await h.client.stackTraceRequest({ threadId })).body.stackFrames;
  }

  async function top(threadId = 1): Promise<[string, number]> {
    const [f] = await frames(threadId);
    return [f.name, f.line];
  }

  async function evaluate(expression: string, frameId?: number, context = 'repl'): Promise<string> {
    return (await h.client.evaluateRequest({ expression, frameId, context })).body.result;
  }

  async function locals(frameId: number): Promise<Map<string, DebugProtocol.Variable>> {
    const { scopes } = (await h.client.scopesRequest({ frameId })).body;
    expect(scopes.map((s) => s.name)).toEqual(['Locals', 'Globals']);
    const { variables } = (await h.client.variablesRequest({ variablesReference: scopes[0].variablesReference })).body;
    return new Map(variables.map((v) => [v.name, v]));
  }

  async function step(kind: 'next' | 'stepIn' | 'stepOut', args: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
    return stopAfter(() => h.client[`${kind}Request`]({ threadId: 1, ...args } as never));
  }

  async function continueToEnd(): Promise<number> {
    const exited = h.client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await h.client.continueRequest({ threadId: 1 });
    return (await exited).body.exitCode;
  }

  function stoppedEvent(): Promise<DebugProtocol.StoppedEvent> {
    return h.client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  }

  // ── line breakpoints ──────────────────────────────────────────────────────────────

  it('verifies breakpoints, moves a comment line to the next code, and stops with an async call stack', async () => {
    const stopped = stoppedEvent();
    await start(GRAPH, {
      breakpoints: {
        [GRAPH]: [{ marker: 'leaf_first' }, { line: line(GRAPH, 'print') + 3 }, { line: 999 }],
        [join(FIXTURES, 'no_such_file.py')]: [{ line: 1 }],
      },
    });
    const [first, moved, beyond] = breakpointResults[GRAPH];
    expect(first).toMatchObject({ verified: true, line: line(GRAPH, 'leaf_first') });
    expect(moved).toMatchObject({ verified: true, line: line(GRAPH, 'print') + 5 }); // the comment → asyncio.run(...)
    expect(beyond.verified).toBe(false);
    expect(beyond.message).toMatch(/No code at or after line 999/);
    expect(breakpointResults[join(FIXTURES, 'no_such_file.py')][0]).toMatchObject({ verified: false, message: expect.stringMatching(/does not exist/) });

    // the moved breakpoint is on the module's last line: it comes first
    expect((await stopped).body).toMatchObject({ reason: 'breakpoint', threadId: 1, hitBreakpointIds: [moved.id] });
    expect(await top()).toEqual(['<module>', moved.line]);
    const event = await stopAfter(() => h.client.continueRequest({ threadId: 1 }));
    expect(event.body).toMatchObject({ reason: 'breakpoint', threadId: 1, allThreadsStopped: true, hitBreakpointIds: [first.id] });
    const stack = await frames();
    const shape = stack.map((f) => [f.name, f.presentationHint ?? 'normal']);
    expect(shape).toEqual([
      ['leaf', 'normal'],
      ['middle', 'normal'],
      ['album', 'normal'],
      ["awaited by Task 'Task-1'", 'label'],
      ['main', 'normal'],
      [expect.stringMatching(/^event loop/), 'label'],
      ['<module>', 'normal'],
    ]);
    expect(stack[0]).toMatchObject({ line: line(GRAPH, 'leaf_first'), source: { path: GRAPH } });
    expect(stack[4].line).toBe(line(GRAPH, 'await_album'));
    expect((await locals(stack[0].id)).get('x')?.value).toBe('5');
    // the awaiting task's suspended frame: its variables and evaluation in it
    expect([...(await locals(stack[4].id)).keys()]).toEqual(expect.arrayContaining(['gate', 'fetchers', 'res']));
    expect(await evaluate('res', stack[4].id)).toBe('[6, 6]');
    expect(await evaluate('asyncio.current_task().get_name()', stack[0].id)).toBe("'album'");

    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    expect(await continueToEnd()).toBe(0);
    expect(h.output('stdout')).toBe('results [6, 6] 11 [3, 6]\n');
  });

  it('condition, hit condition and logpoint', async () => {
    const stopped = stoppedEvent();
    await start(GRAPH, {
      breakpoints: {
        [GRAPH]: [
          { marker: 'worker_loop', condition: "name == 'b'", hitCondition: '2' },
          { marker: 'worker_after', logMessage: 'worker {name} at i={i}' },
        ],
      },
    });
    await stopped;
    const [f] = await frames();
    expect(f.line).toBe(line(GRAPH, 'worker_loop'));
    expect(await evaluate('(name, i)', f.id)).toBe("('b', 1)");
    await waitForOutput(h, /worker a at i=0\n[\s\S]*worker b at i=0\n/, 'console');
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    expect(await continueToEnd()).toBe(0);
  });

  it('a breakpoint set while the program runs takes effect at once', async () => {
    const release = join(mkdtempSync(join(tmpdir(), 'lens-dbg-')), 'release');
    await start(TICKER, { args: [release] });
    await waitForOutput(h, /ticking/, 'stdout');
    const stopped = stoppedEvent();
    const r = await h.client.setBreakpointsRequest({ source: { path: TICKER }, breakpoints: [{ line: line(TICKER, 'tick') }] });
    expect(r.body.breakpoints[0]).toMatchObject({ verified: true, line: line(TICKER, 'tick') });
    expect((await stopped).body.reason).toBe('breakpoint');
    expect(await top()).toEqual(['tick', line(TICKER, 'tick')]);
    await h.client.setBreakpointsRequest({ source: { path: TICKER }, breakpoints: [] });
    writeFileSync(release, '');
    expect(await continueToEnd()).toBe(0);
    expect(h.output('stdout')).toBe('ticking\nstopped ticking\n');
  });

  // ── stepping around await ───────────────────────────────────────────────────────────

  it('step over an await stays in the same coroutine of the same task while another task runs the same code', async () => {
    const stopped = stoppedEvent();
    await start(GRAPH, { breakpoints: { [GRAPH]: [{ marker: 'worker_await', condition: "name == 'a' and i == 0" }] } });
    await stopped;
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    const seen: [number, string][] = [];
    for (let k = 0; k < 4; k++) {
      const event = await step('next');
      expect(event.body.reason).toBe('step');
      const [f] = await frames();
      seen.push([f.line, await evaluate('name', f.id)]);
    }
    const loop = line(GRAPH, 'worker_loop');
    expect(seen).toEqual([
      [line(GRAPH, 'worker_after'), "'a'"],
      [loop - 1, "'a'"],
      [loop, "'a'"],
      [line(GRAPH, 'worker_await'), "'a'"],
    ]);
    expect(await continueToEnd()).toBe(0);
  });

  it('step into `await coro()` enters it; step out returns to the awaiting coroutine, then to the awaiting task', async () => {
    const stopped = stoppedEvent();
    await start(GRAPH, { breakpoints: { [GRAPH]: [{ marker: 'middle_await' }] } });
    await stopped;
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    await step('stepIn');
    expect(await top()).toEqual(['leaf', line(GRAPH, 'leaf_first')]);
    await step('stepOut');
    expect(await top()).toEqual(['middle', line(GRAPH, 'middle_after')]);
    await step('stepOut');
    expect(await top()).toEqual(['album', line(GRAPH, 'album_after')]);
    await step('stepOut'); // album is a task's coroutine: out of it is the task awaiting it, on its await
    expect(await top()).toEqual(['main', line(GRAPH, 'await_album')]);
    expect(await continueToEnd()).toBe(0);
  });

  it('step-in targets offer the coroutine of a task created on the line', async () => {
    const stopped = stoppedEvent();
    await start(GRAPH, { breakpoints: { [GRAPH]: [{ marker: 'create_a' }] } });
    await stopped;
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    const [f] = await frames();
    const { targets } = (await h.client.stepInTargetsRequest({ frameId: f.id })).body;
    const target = targets.find((t) => t.label === 'worker() (new task)');
    expect(target, JSON.stringify(targets)).toBeDefined();
    await step('stepIn', { targetId: target!.id });
    expect(await top()).toEqual(['worker', line(GRAPH, 'worker_loop') - 2]);
    expect(await evaluate('asyncio.current_task().get_name()', (await frames())[0].id)).toBe("'worker-a'");
    expect(await continueToEnd()).toBe(0);
  });

  // ── pause, threads, tasks ──────────────────────────────────────────────────────────

  it('pause stops a coroutine that never yields', async () => {
    await start(BUSY);
    await waitForOutput(h, /spinning/, 'stdout');
    const event = await stopAfter(() => h.client.pauseRequest({ threadId: 1 }));
    expect(event.body).toMatchObject({ reason: 'pause', threadId: 1 });
    const stack = await frames();
    expect(stack.slice(0, 2).map((f) => f.name)).toEqual(['spin', 'main']);
    // a line event on the loop's body, or the pause signal landing on the `while` line
    expect([line(BUSY, 'spin') - 1, line(BUSY, 'spin')]).toContain(stack[0].line);
    expect(stack[1].line).toBe(line(BUSY, 'spin') + 4);
    expect(Number(await evaluate('n', stack[0].id))).toBeGreaterThan(999);
    const terminated = h.client.waitForEvent('terminated');
    await h.client.disconnectRequest({ terminateDebuggee: true });
    await terminated;
  });

  it('lists task threads with what they await, and shows their frames and variables', async () => {
    const stopped = stoppedEvent();
    const seen = new Set<string>();
    const seenTasks = new Map<number, TasksChangedParams['tasks'][number]>();
    const fetchersSeen = new Promise<void>((resolve) => {
      h.client.on(CustomEvents.tasksChanged, (e: DebugProtocol.Event) => {
        for (const t of (e.body as TasksChangedParams).tasks) {
          seen.add(t.name);
          seenTasks.set(t.id, t);
        }
        if (seen.has('fetch-1') && seen.has('fetch-2') && seen.has('album')) resolve();
      });
    });
    await start(GRAPH, { breakpoints: { [GRAPH]: [{ marker: 'leaf_first' }] } });
    await Promise.all([stopped, fetchersSeen]);
    const { threads } = (await h.client.threadsRequest()).body;
    // the stopped thread is the task it stopped in, listed once: no task thread repeats it
    expect(threads[0]).toEqual({ id: 1, name: "MainThread · Task 'album'" });
    expect(threads.filter((t) => t.name.includes("Task 'album'")), JSON.stringify(threads)).toHaveLength(1);
    const fetch1 = threads.find((t) => t.name.startsWith("Task 'fetch-1'"));
    expect(fetch1, JSON.stringify(threads)).toBeDefined();
    expect(fetch1!.name).toBe("Task 'fetch-1' · Event.wait");
    expect(fetch1!.id).toBeGreaterThan(TASK_THREAD_BASE);
    const stack = await frames(fetch1!.id);
    expect(stack[0]).toMatchObject({ name: 'fetch', line: line(GRAPH, 'fetch_wait') });
    const vars = await locals(stack[0].id);
    expect(vars.get('n')?.value).toBe('1');
    expect(vars.get('data')).toMatchObject({ value: '[1, 1, 1]', indexedVariables: 3 });
    // the current task, asked for by its task thread id (Show in Call Stack does), has thread 1's async stack
    const album = [...seenTasks.values()].find((t) => t.name === 'album')!;
    expect((await frames(TASK_THREAD_BASE + album.id)).map((f) => f.name).slice(0, 3)).toEqual(['leaf', 'middle', 'album']);
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    expect(await continueToEnd()).toBe(0);
  });

  it('step over on a suspended task thread stops at the next line of that task when it runs again', async () => {
    const stopped = stoppedEvent();
    const seen = new Set<string>();
    const fetchersSeen = new Promise<void>((resolve) => {
      h.client.on(CustomEvents.tasksChanged, (e: DebugProtocol.Event) => {
        for (const t of (e.body as TasksChangedParams).tasks) seen.add(t.name);
        if (seen.has('fetch-2')) resolve();
      });
    });
    await start(GRAPH, { breakpoints: { [GRAPH]: [{ marker: 'leaf_first' }] } });
    await Promise.all([stopped, fetchersSeen]);
    await h.client.setBreakpointsRequest({ source: { path: GRAPH }, breakpoints: [] });
    const { threads } = (await h.client.threadsRequest()).body;
    const fetch2 = threads.find((t) => t.name.startsWith("Task 'fetch-2'"))!;
    expect(fetch2, JSON.stringify(threads)).toBeDefined();
    const event = await stopAfter(() => h.client.nextRequest({ threadId: fetch2.id }));
    expect(event.body).toMatchObject({ reason: 'step', threadId: 1 });
    const [f] = await frames();
    expect([f.name, f.line]).toEqual(['fetch', line(GRAPH, 'fetch_wait') + 1]);
    expect(await evaluate('(n, asyncio.current_task().get_name())', f.id)).toBe("(2, 'fetch-2')");
    expect(await continueToEnd()).toBe(0);
  });

  it('asyncioLens/cancelTask cancels a task with a message', async () => {
    await start(CANCEL);
    await waitForOutput(h, /sleeping/, 'stdout');
    const { body: snapshot } = (await h.client.customRequest(CustomRequests.tasks)) as { body: Snapshot };
    const sleeper = snapshot.tasks.find((t) => t.name === 'sleeper')!;
    const exited = h.client.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    const r = await h.client.customRequest(CustomRequests.cancelTask, { id: sleeper.id, message: 'from the debugger' });
    expect(r.body).toEqual({ cancelled: true });
    expect((await exited).body.exitCode).toBe(0);
    expect(h.output('stdout')).toBe('sleeping\ncancelled: from the debugger\nmain saw the cancellation\n');
  });

  // ── exceptions ──────────────────────────────────────────────────────────────────────

  it('exception breakpoints: raised, task failed and nobody retrieved it, uncaught', async () => {
    const stopped = stoppedEvent();
    await start(EXCEPTIONS, { filters: ['raised'] });
    let event = await stopped;
    expect(event.body).toMatchObject({ reason: 'exception', text: 'ValueError: too big: 5' });
    expect(await top()).toEqual(['risky', line(EXCEPTIONS, 'raise')]);
    const info = (await h.client.exceptionInfoRequest({ threadId: 1 })).body;
    expect(info).toMatchObject({ exceptionId: 'ValueError', breakMode: 'always', details: { message: 'too big: 5' } });

    await h.client.setExceptionBreakpointsRequest({ filters: ['taskFailed', 'uncaught'] });
    event = await stopAfter(() => h.client.continueRequest({ threadId: 1 }));
    expect(event.body.text).toMatch(/^Task 'orphan' failed and nobody retrieved its exception: KeyError: 'lost'/);
    expect(await top()).toEqual(['fails', line(EXCEPTIONS, 'task_raise')]);

    event = await stopAfter(() => h.client.continueRequest({ threadId: 1 }));
    expect(event.body).toMatchObject({ reason: 'exception', text: 'ValueError: too big: 7' });
    const stack = await frames();
    expect(stack.slice(0, 3).map((f) => [f.name, f.line])).toEqual([
      ['risky', line(EXCEPTIONS, 'raise')],
      ['main', line(EXCEPTIONS, 'uncaught')],
      ['<module>', line(EXCEPTIONS, 'uncaught') + 3],
    ]);
    expect((await h.client.exceptionInfoRequest({ threadId: 1 })).body.breakMode).toBe('unhandled');
    expect(await evaluate('x', stack[0].id)).toBe('7');
    expect(await continueToEnd()).toBe(1);
    expect(h.output('stderr')).toMatch(/Task exception was never retrieved[\s\S]*ValueError: too big: 7\n$/);
  });

  // ── evaluate and setVariable ────────────────────────────────────────────────────────

  it('evaluate expressions and statements, errors and time limits; setVariable', async () => {
    const stopped = stoppedEvent();
    await start(VALUES, { breakpoints: { [VALUES]: [{ marker: 'stop' }] } });
    await stopped;
    const [f] = await frames();
    expect(await evaluate('counter * 2', f.id)).toBe('20');
    expect(await evaluate('counter = 41', f.id)).toBe('');
    expect(await evaluate('counter + 1', f.id, 'watch')).toBe('42');
    await expect(evaluate('1/0', f.id)).rejects.toThrow('ZeroDivisionError: division by zero');
    await expect(evaluate('spin_forever()', f.id, 'hover')).rejects.toThrow(/timed out/);
    await expect(evaluate('await asyncio.sleep(1)', f.id)).rejects.toThrow(/event loop/);
    expect(await evaluate('counter', f.id, 'hover')).toBe('41');

    const vars = await locals(f.id);
    expect(vars.get('bad')?.value).toBe('<repr raised ValueError: no repr for you>');
    const items = vars.get('items')!;
    expect(items.indexedVariables).toBe(300);
    const page = (await h.client.variablesRequest({ variablesReference: items.variablesReference, filter: 'indexed', start: 200, count: 100 })).body.variables;
    expect(page.map((v) => v.name)).toEqual(Array.from({ length: 100 }, (_, i) => String(200 + i)));

    const { scopes } = (await h.client.scopesRequest({ frameId: f.id })).body;
    const set = await h.client.setVariableRequest({ variablesReference: scopes[0].variablesReference, name: 'counter', value: 'counter * 10' });
    expect(set.body.value).toBe('410');
    await expect(
      h.client.setVariableRequest({ variablesReference: scopes[0].variablesReference, name: 'counter', value: '5 +' }),
    ).rejects.toThrow(/Invalid value '5 \+': SyntaxError/);
    const point = vars.get('p')!;
    expect((await h.client.setVariableRequest({ variablesReference: point.variablesReference, name: 'x', value: '7' })).body.value).toBe('7');
    await h.client.setBreakpointsRequest({ source: { path: VALUES }, breakpoints: [] });
    expect(await continueToEnd()).toBe(0);
    expect(h.output('stdout')).toBe('counter 410 7\n300 True\n');
  });

  // ── ends of the session ─────────────────────────────────────────────────────────────

  it('stop on entry, then disconnect while the program runs ends it', async () => {
    const stopped = stoppedEvent();
    await start(BUSY, { stopOnEntry: true });
    expect((await stopped).body.reason).toBe('entry');
    expect(await top()).toEqual(['<module>', 1]);
    await h.client.continueRequest({ threadId: 1 });
    await waitForOutput(h, /spinning/, 'stdout');
    const terminated = h.client.waitForEvent('terminated');
    await h.client.disconnectRequest({ terminateDebuggee: true });
    await terminated;
  });
});
