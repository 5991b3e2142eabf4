/** Every command, view, setting and context id of the extension, in one place. package.json must match. */
export const DEBUG_TYPE = 'asyncio-lens';

export const Commands = {
  debugCurrentFile: 'asyncioLens.debugCurrentFile',
  runCurrentFile: 'asyncioLens.runCurrentFile',
  refreshTasks: 'asyncioLens.refreshTasks',
  openWalkthrough: 'asyncioLens.openWalkthrough',
  openSnippet: 'asyncioLens.openSnippet',
  runSnippet: 'asyncioLens.runSnippet',
  debugSnippet: 'asyncioLens.debugSnippet',
} as const;

export const Views = {
  tasks: 'asyncioLens.tasks',
} as const;

export const WALKTHROUGH_ID = 'asyncioLens.course';

export const SETTINGS_SECTION = 'asyncioLens';
