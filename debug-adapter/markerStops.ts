/**
 * Breakpoints the adapter adds on its own: the lines of the program that carry a marker
 * comment (launch attribute `stopAtMarker`, e.g. a walkthrough's `# lens: stop here`).
 * They share the runtime's per-file breakpoint list with the user's breakpoints, so the
 * list sent for a file is the user's breakpoints followed by the marker lines; the answer
 * is cut back to the user's part. A marker stops once: after the first hit its file's
 * list goes back to the user's breakpoints alone. Pure: no DAP, no I/O.
 */
import { resolve } from 'node:path';
import type { BreakpointResult, SetBreakpointsParams, SourceBreakpoint, StoppedParams } from './agentProtocol';

/** 1-based lines whose text contains the marker. */
export function markerLines(source: string, marker: string): number[] {
  const lines: number[] = [];
  source.split(/\r?\n/).forEach((text, i) => {
    if (text.includes(marker)) lines.push(i + 1);
  });
  return lines;
}

export function markerStopDescription(marker: string): string {
  return `Paused at "${marker}"`;
}

interface FileState {
  user: SourceBreakpoint[];
  markers: number[];
  /** Runtime ids of the marker breakpoints, from the answers for this file. */
  markerIds: Set<number>;
  /** True once a marker was hit: another thread may still report a hit it made meanwhile. */
  spent: boolean;
}

export class MarkerStops {
  private readonly files = new Map<string, FileState>();

  constructor(private readonly marker: string) {}

  /** Adds stops at these lines of `file` (before the program starts). */
  addMarkers(file: string, lines: number[]): void {
    this.state(file).markers.push(...lines);
  }

  /** Records the user's breakpoints for `file` (when given) and returns the full list to send. */
  request(file: string, user?: SourceBreakpoint[]): SetBreakpointsParams {
    const state = this.state(file);
    if (user) state.user = user;
    return { file, breakpoints: [...state.user, ...state.markers.map((line) => ({ line }))] };
  }

  /** The runtime's answer to `request(file)`, cut to the user's breakpoints. */
  userResults(file: string, results: BreakpointResult[]): BreakpointResult[] {
    const state = this.state(file);
    const userCount = state.user.length;
    for (const bp of results.slice(userCount)) state.markerIds.add(bp.id);
    return results.slice(0, userCount);
  }

  /**
   * Rewrites a stop that hit a marker: no marker ids in `hitBreakpointIds`, and a
   * description. `rearm` names the file whose list must be sent again (markers dropped),
   * the first time only.
   */
  onStopped(stopped: StoppedParams): { stopped: StoppedParams; rearm?: string } {
    const hits = stopped.hitBreakpointIds ?? [];
    for (const [file, state] of this.files) {
      if (!hits.some((id) => state.markerIds.has(id))) continue;
      const userHits = hits.filter((id) => !state.markerIds.has(id));
      const rewritten: StoppedParams = { ...stopped, hitBreakpointIds: userHits };
      if (userHits.length === 0) {
        delete rewritten.hitBreakpointIds;
        rewritten.description = markerStopDescription(this.marker);
      }
      const first = !state.spent;
      state.markers = [];
      state.spent = true;
      return first ? { stopped: rewritten, rearm: file } : { stopped: rewritten };
    }
    return { stopped };
  }

  private state(file: string): FileState {
    const key = resolve(file);
    let state = this.files.get(key);
    if (!state) {
      state = { user: [], markers: [], markerIds: new Set(), spent: false };
      this.files.set(key, state);
    }
    return state;
  }
}
