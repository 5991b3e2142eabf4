/**
 * Custom DAP events the view listens for beyond `asyncioLens/tasksChanged`. The adapter forwards
 * the runtime's `loop/blocked`, `loop/unblocked` and `task/warning` notifications under these
 * names (see the request in the issue-5 report); until it does, the view learns about them from
 * snapshots (`Snapshot.blocked`, `.warnings`, `.cycles`), which it asks for when the program stops.
 */
import type { LoopBlocked, TaskWarning } from '../debug-adapter/agentProtocol';

export const LensEvents = {
  /** Body: `LoopBlocked`. */
  loopBlocked: 'asyncioLens/loopBlocked',
  /** Body: `{ time?: number, duration_ms?: number }`. */
  loopUnblocked: 'asyncioLens/loopUnblocked',
  /** Body: `TaskWarning`. */
  taskWarning: 'asyncioLens/taskWarning',
} as const;

export type LoopBlockedBody = LoopBlocked;
export interface LoopUnblockedBody {
  time?: number;
  duration_ms?: number;
}
export type TaskWarningBody = TaskWarning;
