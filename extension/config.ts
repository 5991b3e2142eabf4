/** The extension's settings, typed. package.json's `contributes.configuration` documents them. */
export interface Config {
  /** Interpreter for run and debug; empty means `python3` (or `python` on Windows) on PATH. */
  python: string;
  /** Minimum time between two updates of the Async Tasks view, in milliseconds. */
  tasksUpdateIntervalMs: number;
  /** Bring the Async Tasks view into view when a session starts. */
  revealTasksView: boolean;
  /** The language server's settings; the server reads them itself (language-server/analysis/settings.ts). */
  'lint.enabled': boolean;
  /** Rule code → severity or "off". */
  'lint.rules': Record<string, string>;
  'lint.codeLens': boolean;
  /** More folders whose modules the lint rules read (besides the workspace and its virtual environments). */
  'lint.extraPaths': string[];
}

export const DEFAULT_CONFIG: Config = {
  python: '',
  tasksUpdateIntervalMs: 100,
  revealTasksView: true,
  'lint.enabled': true,
  'lint.rules': {},
  'lint.codeLens': true,
  'lint.extraPaths': [],
};

export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof Config)[];

/** Builds the Config from a settings section (`vscode.WorkspaceConfiguration` in the editor). */
export function configFrom(section: { get<T>(key: string, defaultValue: T): T }): Config {
  return {
    python: section.get('python', DEFAULT_CONFIG.python).trim(),
    tasksUpdateIntervalMs: section.get('tasksUpdateIntervalMs', DEFAULT_CONFIG.tasksUpdateIntervalMs),
    revealTasksView: section.get('revealTasksView', DEFAULT_CONFIG.revealTasksView),
    'lint.enabled': section.get('lint.enabled', DEFAULT_CONFIG['lint.enabled']),
    'lint.rules': section.get('lint.rules', DEFAULT_CONFIG['lint.rules']),
    'lint.codeLens': section.get('lint.codeLens', DEFAULT_CONFIG['lint.codeLens']),
    'lint.extraPaths': section.get('lint.extraPaths', DEFAULT_CONFIG['lint.extraPaths']),
  };
}

export function pythonCommand(config: Config): string {
  if (config.python) return config.python;
  return process.platform === 'win32' ? 'python' : 'python3';
}
