/**
 * The custom DAP requests and events of the `asyncio-lens` debug type, shared by the
 * adapter and the extension.
 */
export const CustomRequests = {
  /** Returns the current task snapshot (`Snapshot` of agentProtocol.ts). */
  tasks: 'asyncioLens/tasks',
  /** Args `{ id: number, message?: string }`: cancels the task in the program. */
  cancelTask: 'asyncioLens/cancelTask',
} as const;

export const CustomEvents = {
  /** Body: `TasksChangedParams` of agentProtocol.ts, throttled by the runtime. */
  tasksChanged: 'asyncioLens/tasksChanged',
  /** Body: `LoopBlocked` (the runtime's `loop/blocked`). */
  loopBlocked: 'asyncioLens/loopBlocked',
  /** Body: `LoopUnblockedParams` (the runtime's `loop/unblocked`). */
  loopUnblocked: 'asyncioLens/loopUnblocked',
  /** Body: `TaskWarning` (the runtime's `task/warning`). */
  taskWarning: 'asyncioLens/taskWarning',
} as const;
