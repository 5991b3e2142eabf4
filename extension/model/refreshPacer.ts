/**
 * When the Async Tasks view may tell VS Code that rows changed. Pure: imports nothing from `vscode`.
 *
 * VS Code's extension host merges a TreeDataProvider's `onDidChangeTreeData` events with a 200 ms
 * debounce that fires the first event at once and restarts its timer on every later one
 * (`Event.debounce(..., 200, leading = true)` in extHostTreeViews). A view that fires more
 * often than every 200 ms is therefore shown late — and not at all while changes keep coming.
 * So the view fires at most once per window: changes of the tree's shape (a task appeared or
 * ended, a TaskGroup grew) as soon as the window allows, text-only changes of rows (what a task
 * waits on, ages) at a slower pace, so that they rarely hold the window when a task appears.
 */
export const VSCODE_TREE_DEBOUNCE_MS = 200;

export class RefreshPacer {
  private lastFire = Number.NEGATIVE_INFINITY;

  constructor(
    /** Least time between two fires: VS Code's window plus a margin for timer jitter. */
    readonly shapeGapMs = VSCODE_TREE_DEBOUNCE_MS + 20,
    /** Least time before a fire that carries only row text. */
    readonly textGapMs = 1000,
  ) {}

  /** Milliseconds to wait before firing what is pending; `intervalMs` is the user's update interval. */
  delay(now: number, shapeChanged: boolean, intervalMs: number): number {
    const gap = Math.max(shapeChanged ? this.shapeGapMs : this.textGapMs, intervalMs);
    return Math.max(0, this.lastFire + gap - now);
  }

  fired(now: number): void {
    this.lastFire = now;
  }
}
