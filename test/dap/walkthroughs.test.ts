/**
 * Every course step's "Debug with tasks", end to end through the built adapter: launched with
 * `stopAtMarker` as the walkthrough button does, the snippet stops at its `# lens: stop here`
 * line, the task snapshot there shows the step's concept (walkthroughStops.ts), and once
 * continued the program prints exactly its golden output. On a Python older than the snippet
 * needs, it prints its "needs Python 3.N+" line and exits 0 without stopping.
 */
import { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../debug-adapter/agentProtocol';
import { CustomRequests } from '../../debug-adapter/customProtocol';
import { markerStopDescription } from '../../debug-adapter/markerStops';
import { SNIPPET_STOP_MARKER } from '../../extension/model/snippetIds';
// @ts-expect-error: plain ESM helper without types
import { checkRequired, findPythons } from '../../scripts/pythons.mjs';
import { Harness, launch, ROOT, startAdapter } from './adapterClient';
import { STEP_STOPS } from './walkthroughStops';

const pythons: { minor: string; version: string; path: string }[] = findPythons();
checkRequired(pythons);
if (pythons.length === 0) throw new Error('No CPython 3.10+ found: the protocol tier cannot run.');

const WALKTHROUGHS = join(ROOT, 'walkthroughs');
const SNIPPETS = readdirSync(WALKTHROUGHS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(WALKTHROUGHS, d.name)).filter((f) => f.endsWith('.py') && !f.endsWith('_ru.py')).map((f) => `${d.name}/${f}`))
  .sort();

/** The golden output of a snippet for one Python, as test/walkthroughs/run-snippets.mjs picks it. */
function golden(snippet: string, minor: string): string {
  const versioned = join(WALKTHROUGHS, snippet.replace(/\.py$/, `.py${minor.replace('.', '')}.out`));
  return readFileSync(existsSync(versioned) ? versioned : join(WALKTHROUGHS, snippet.replace(/\.py$/, '.out')), 'utf8');
}

type Ending = { stopped: DebugProtocol.StoppedEvent } | { exited: DebugProtocol.ExitedEvent };

/** The next `stopped` or `exited` event, whichever comes first (listeners set before the request). */
function nextStopOrExit(h: Harness): Promise<Ending> {
  return new Promise((resolve) => {
    const onStopped = (e: DebugProtocol.StoppedEvent) => finish({ stopped: e });
    const onExited = (e: DebugProtocol.ExitedEvent) => finish({ exited: e });
    const finish = (ending: Ending) => {
      h.client.removeListener('stopped', onStopped);
      h.client.removeListener('exited', onExited);
      resolve(ending);
    };
    h.client.on('stopped', onStopped);
    h.client.on('exited', onExited);
  });
}

it('has a stop expectation for every snippet, and none for a snippet that is gone', () => {
  expect(Object.keys(STEP_STOPS).sort()).toEqual(SNIPPETS);
});

describe('a user breakpoint beside the marker', () => {
  const { path: python } = pythons[pythons.length - 1];
  const program = join(WALKTHROUGHS, '04-cancellation/cancellation.py');
  const lines = readFileSync(program, 'utf8').split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
  let h: Harness;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
  });

  it('stays the user\'s own: answered alone, hit as a breakpoint, then the marker stops', async () => {
    const userLine = lineOf('task = asyncio.create_task(worker())');
    let answered: DebugProtocol.Breakpoint[] = [];
    const configured = h.client.waitForEvent('initialized').then(async () => {
      answered = (await h.client.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: userLine }] })).body.breakpoints;
      await h.client.configurationDoneRequest();
    });
    const first = nextStopOrExit(h);
    await Promise.all([configured, h.client.launch({ program, python, stopAtMarker: SNIPPET_STOP_MARKER } as DebugProtocol.LaunchRequestArguments)]);
    expect(answered).toEqual([expect.objectContaining({ verified: true, line: userLine })]);

    const user = await first;
    expect('stopped' in user && user.stopped.body).toMatchObject({ reason: 'breakpoint', hitBreakpointIds: [answered[0].id] });
    expect('stopped' in user && user.stopped.body.description).toBeUndefined();

    const second = nextStopOrExit(h);
    await h.client.continueRequest({ threadId: 1 });
    const marker = await second;
    expect('stopped' in marker && marker.stopped.body.description).toBe(markerStopDescription(SNIPPET_STOP_MARKER));
    const { stackFrames } = (await h.client.stackTraceRequest({ threadId: 1 })).body;
    expect(stackFrames[0].line).toBe(lineOf(SNIPPET_STOP_MARKER));

    const end = nextStopOrExit(h);
    await h.client.continueRequest({ threadId: 1 });
    expect('exited' in (await end)).toBe(true);
  });
});

describe.each(pythons)('Python $version', ({ path: python, minor }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startAdapter();
  });
  afterEach(async () => {
    await h.client.stop();
  });

  const pythonMinor = Number(minor.split('.')[1]);

  it.each(SNIPPETS)('%s', async (snippet) => {
    const program = join(WALKTHROUGHS, snippet);
    const step = STEP_STOPS[snippet];
    const source = readFileSync(program, 'utf8').split('\n');
    const lineOf = (text: string) => {
      const i = source.findIndex((l) => l.includes(text));
      if (i < 0) throw new Error(`no line of ${snippet} contains ${text}`);
      return i + 1;
    };
    const ending = nextStopOrExit(h);
    await launch(h.client, { program, python, cwd: dirname(program), stopAtMarker: SNIPPET_STOP_MARKER, tasksUpdateIntervalMs: 20 });

    if (step.needs !== undefined && pythonMinor < step.needs) {
      const end = await ending;
      expect('exited' in end && end.exited.body.exitCode).toBe(0);
      expect(h.output('stdout')).toMatch(new RegExp(`needs Python 3\\.${step.needs}\\+`));
      expect(h.output('stdout')).toBe(golden(snippet, minor));
      return;
    }

    const first = await ending;
    if (!('stopped' in first)) throw new Error(`${snippet} exited without stopping:\n${h.output()}`);
    const stopped = first.stopped.body;
    expect(stopped).toMatchObject({ reason: 'breakpoint', description: markerStopDescription(SNIPPET_STOP_MARKER) });
    expect(stopped.hitBreakpointIds).toBeUndefined();
    const { stackFrames } = (await h.client.stackTraceRequest({ threadId: stopped.threadId! })).body;
    expect(stackFrames[0]).toMatchObject({ line: lineOf(SNIPPET_STOP_MARKER), source: { path: program } });

    const { body: snapshot } = (await h.client.customRequest(CustomRequests.tasks)) as { body: Snapshot };
    step.check({
      snapshot,
      tasks: snapshot.tasks,
      history: snapshot.history,
      frames: stackFrames.map((f) => ({ name: f.name, line: f.line })),
      lineOf,
    });

    // The marker stops once; a thread that reached it at the same moment may still report its stop.
    let threadId = stopped.threadId!;
    const stoppedThreads = new Set([threadId]);
    for (;;) {
      const next = nextStopOrExit(h);
      await h.client.continueRequest({ threadId });
      const end = await next;
      if ('exited' in end) {
        expect(end.exited.body.exitCode).toBe(0);
        break;
      }
      expect(end.stopped.body.description).toBe(markerStopDescription(SNIPPET_STOP_MARKER));
      threadId = end.stopped.body.threadId!;
      expect(stoppedThreads.has(threadId), `thread ${threadId} stopped at the marker twice`).toBe(false);
      stoppedThreads.add(threadId);
    }
    expect(h.output('stdout')).toBe(golden(snippet, minor));
  });
});
