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
  /** The ids the user was given for their breakpoints, in order. */
  userIds: number[];
  /** Runtime id of a user breakpoint → the id the user was given (a resend renumbers them). */
  idMap: Map<number, number>;
  /** True once a marker was hit (the runtime drops hits of removed breakpoints; this guards the rest). */
  spent: boolean;
}

export class MarkerStops {
  private readonly files = new Map<string, FileState>();
  private marker = '';

  /** Adds stops at the `lines` of `file` that hold `marker` (before the program starts). */
  addMarkers(file: string, marker: string, lines: number[]): void {
    this.marker = marker;
    this.state(file).markers.push(...lines);
  }

  /** Records the user's breakpoints for `file` (when given) and returns the full list to send. */
  request(file: string, user?: SourceBreakpoint[]): SetBreakpointsParams {
    const state = this.state(file);
    if (user) state.user = user;
    return { file, breakpoints: [...state.user, ...state.markers.map((line) => ({ line }))] };
  }

  /**
   * The runtime's answer to `request(file)`, cut to the user's breakpoints. `fromUser`: the request
   * carried the user's breakpoints, whose ids the user gets; a resend keeps the ids given before.
   */
  userResults(file: string, results: BreakpointResult[], fromUser: boolean): BreakpointResult[] {
    const state = this.state(file);
    const userCount = state.user.length;
    for (const bp of results.slice(userCount)) state.markerIds.add(bp.id);
    const user = results.slice(0, userCount);
    if (fromUser) state.userIds = user.map((bp) => bp.id);
    state.idMap = new Map(user.map((bp, i) => [bp.id, state.userIds[i] ?? bp.id]));
    return user.map((bp) => ({ ...bp, id: state.idMap.get(bp.id)! }));
  }

  /**
   * Rewrites a stop: user breakpoint ids as the user knows them; a marker hit leaves no id in
   * `hitBreakpointIds` and gets a description. `rearm` names the file whose list must be sent
   * again (markers dropped), the first time a marker is hit.
   */
  onStopped(stopped: StoppedParams): { stopped: StoppedParams; rearm?: string } {
    const hits = stopped.hitBreakpointIds;
    if (!hits?.length) return { stopped };
    let markerFile: string | undefined;
    const userHits: number[] = [];
    for (const id of hits) {
      const owner = [...this.files].find(([, state]) => state.markerIds.has(id) || state.idMap.has(id));
      if (!owner) userHits.push(id);
      else if (owner[1].markerIds.has(id)) markerFile ??= owner[0];
      else userHits.push(owner[1].idMap.get(id)!);
    }
    const rewritten: StoppedParams = { ...stopped, hitBreakpointIds: userHits };
    if (markerFile === undefined) return { stopped: rewritten };
    if (userHits.length === 0) {
      delete rewritten.hitBreakpointIds;
      rewritten.description = markerStopDescription(this.marker);
    }
    const state = this.files.get(markerFile)!;
    const first = !state.spent;
    state.markers = [];
    state.spent = true;
    return first ? { stopped: rewritten, rearm: markerFile } : { stopped: rewritten };
  }

  private state(file: string): FileState {
    const key = resolve(file);
    let state = this.files.get(key);
    if (!state) {
      state = { user: [], markers: [], markerIds: new Set(), userIds: [], idMap: new Map(), spent: false };
      this.files.set(key, state);
    }
    return state;
  }
}
