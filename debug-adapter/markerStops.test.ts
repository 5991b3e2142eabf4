import { describe, expect, it } from 'vitest';
import type { BreakpointResult, StoppedParams } from './agentProtocol';
import { markerLines, markerStopDescription, MarkerStops } from './markerStops';

const MARKER = '# lens: stop here';
const FILE = '/course/snippet.py';

/** What the runtime answers: one verified result per requested breakpoint, ids from `firstId`. */
function answer(lines: number[], firstId: number): BreakpointResult[] {
  return lines.map((line, i) => ({ id: firstId + i, verified: true, line }));
}

const breakpointStop = (ids: number[]): StoppedParams => ({ reason: 'breakpoint', threadId: 1, hitBreakpointIds: ids });

describe('markerLines', () => {
  it('finds every line holding the marker, 1-based, whatever the line endings', () => {
    expect(markerLines('a = 1\r\nb = 2  # lens: stop here\r\n\n# lens: stop here\n', MARKER)).toEqual([2, 4]);
    expect(markerLines('print("no marker")\n', MARKER)).toEqual([]);
  });
});

describe('MarkerStops', () => {
  it('sends the user breakpoints first, then the marker lines, and answers only the user part', () => {
    const stops = new MarkerStops();
    stops.addMarkers(FILE, MARKER, [12]);
    const sent = stops.request(FILE, [{ line: 3, condition: 'x > 1' }]);
    expect(sent).toEqual({ file: FILE, breakpoints: [{ line: 3, condition: 'x > 1' }, { line: 12 }] });
    expect(stops.userResults(FILE, answer([3, 12], 1), true)).toEqual([{ id: 1, verified: true, line: 3 }]);
  });

  it('keeps the user breakpoints set before the launch added the markers', () => {
    const stops = new MarkerStops();
    stops.request(FILE, [{ line: 3 }]);
    stops.addMarkers(FILE, MARKER, [12]);
    expect(stops.request(FILE).breakpoints).toEqual([{ line: 3 }, { line: 12 }]);
  });

  it('keeps the ids the user was given when the adapter sends the list again (the runtime renumbers)', () => {
    const stops = new MarkerStops();
    stops.request(FILE, [{ line: 3 }]);
    expect(stops.userResults(FILE, answer([3], 1), true).map((bp) => bp.id)).toEqual([1]);
    stops.addMarkers(FILE, MARKER, [12]);
    stops.request(FILE);
    expect(stops.userResults(FILE, answer([3, 12], 5), false)).toEqual([{ id: 1, verified: true, line: 3 }]);
    expect(stops.onStopped(breakpointStop([5])).stopped.hitBreakpointIds).toEqual([1]);
    expect(stops.onStopped(breakpointStop([6])).stopped.description).toBe(markerStopDescription(MARKER));
  });

  it('keeps the markers when the user changes the file breakpoints, and other files untouched', () => {
    const stops = new MarkerStops();
    stops.addMarkers(FILE, MARKER, [12]);
    expect(stops.request(FILE, []).breakpoints).toEqual([{ line: 12 }]);
    expect(stops.request(FILE, [{ line: 5 }]).breakpoints).toEqual([{ line: 5 }, { line: 12 }]);
    expect(stops.request('/course/other.py', [{ line: 5 }]).breakpoints).toEqual([{ line: 5 }]);
    // a relative spelling of the same file shares its state
    expect(stops.request(FILE.replace('/course/', '/course/./')).breakpoints).toEqual([{ line: 5 }, { line: 12 }]);
  });

  it('turns a marker hit into a described stop, once: then the file has only the user breakpoints', () => {
    const stops = new MarkerStops();
    stops.addMarkers(FILE, MARKER, [12]);
    stops.request(FILE, [{ line: 3 }]);
    stops.userResults(FILE, answer([3, 12], 7), true);

    const { stopped, rearm } = stops.onStopped({ ...breakpointStop([8]), taskId: 4 });
    expect(stopped).toEqual({ reason: 'breakpoint', threadId: 1, taskId: 4, description: markerStopDescription(MARKER) });
    expect(rearm).toBe(FILE);
    expect(stops.request(FILE)).toEqual({ file: FILE, breakpoints: [{ line: 3 }] });

    // the user's own breakpoint is an ordinary stop
    expect(stops.onStopped(breakpointStop([7]))).toEqual({ stopped: breakpointStop([7]) });
    // another thread that reached the marker before it was dropped: still a marker stop, nothing to resend
    expect(stops.onStopped({ reason: 'breakpoint', threadId: 2, hitBreakpointIds: [8] })).toEqual({
      stopped: { reason: 'breakpoint', threadId: 2, description: markerStopDescription(MARKER) },
    });
  });

  it('a user breakpoint on the marker line stays a user stop', () => {
    const stops = new MarkerStops();
    stops.addMarkers(FILE, MARKER, [12]);
    stops.request(FILE, [{ line: 12 }]);
    stops.userResults(FILE, answer([12, 12], 1), true);
    const { stopped, rearm } = stops.onStopped(breakpointStop([1, 2]));
    expect(stopped).toEqual(breakpointStop([1]));
    expect(rearm).toBe(FILE);
  });

  it('leaves steps, pauses and exceptions alone', () => {
    const stops = new MarkerStops();
    stops.addMarkers(FILE, MARKER, [12]);
    stops.userResults(FILE, answer([12], 1), true);
    const step: StoppedParams = { reason: 'step', threadId: 1 };
    expect(stops.onStopped(step)).toEqual({ stopped: step });
  });
});
