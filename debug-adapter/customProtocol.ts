/**
 * The custom DAP requests and events of the `asyncio-lens` debug type, shared by the
 * adapter and the extension.
 */
export const CustomRequests = {
  /** Returns the current task snapshot (`Snapshot` of agentProtocol.ts). */
  tasks: 'asyncioLens/tasks',
} as const;

export const CustomEvents = {
  /** Body: `TasksChangedParams` of agentProtocol.ts, throttled by the runtime. */
  tasksChanged: 'asyncioLens/tasksChanged',
} as const;
