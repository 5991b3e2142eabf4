import * as vscode from 'vscode';
import { SETTINGS_SECTION } from './ids';

/** The extension's settings, typed. package.json's `contributes.configuration` documents them. */
export interface Config {
  /** Interpreter for run and debug; empty means `python3` (or `python` on Windows) on PATH. */
  python: string;
  /** Minimum time between two updates of the Async Tasks view, in milliseconds. */
  tasksUpdateIntervalMs: number;
}

export const CONFIG_KEYS = ['python', 'tasksUpdateIntervalMs'] as const satisfies readonly (keyof Config)[];

export function readConfig(): Config {
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    python: section.get<string>('python', '').trim(),
    tasksUpdateIntervalMs: section.get<number>('tasksUpdateIntervalMs', 100),
  };
}

export function pythonCommand(config: Config): string {
  if (config.python) return config.python;
  return process.platform === 'win32' ? 'python' : 'python3';
}
