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
  cancelTask: 'asyncioLens.cancelTask',
  goToCreationSite: 'asyncioLens.goToCreationSite',
  goToWaitSite: 'asyncioLens.goToWaitSite',
  copyAwaitChain: 'asyncioLens.copyAwaitChain',
  showInCallStack: 'asyncioLens.showInCallStack',
  exportSnapshot: 'asyncioLens.exportSnapshot',
  arrangeByAwaitedBy: 'asyncioLens.arrangeByAwaitedBy',
  arrangeByStructure: 'asyncioLens.arrangeByStructure',
  hideFinished: 'asyncioLens.hideFinished',
  showFinished: 'asyncioLens.showFinished',
  /** `${command:pickProcess}` in an attach configuration. */
  pickProcess: 'asyncioLens.pickProcess',
} as const;

/** Context keys the extension sets with `setContext` (menus' `when` clauses use them). */
export const ContextKeys = {
  /** 'structure' | 'awaitedBy' */
  arrangement: 'asyncioLens.tasks.arrangement',
  hideFinished: 'asyncioLens.tasks.hideFinished',
} as const;

export const Views = {
  tasks: 'asyncioLens.tasks',
} as const;

export const WALKTHROUGH_ID = 'asyncioLens.course';

export const SETTINGS_SECTION = 'asyncioLens';
