import * as vscode from 'vscode';
import { AsyncioLensSession } from '../debug-adapter/session';
import { readConfig } from './settings';
import { DEBUG_TYPE } from './ids';
import { resolveInterpreter } from './interpreter';

/** Fills in launch configurations, so that F5 on a Python file works without a launch.json. */
export class AsyncioLensConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  async resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(
        'Asyncio Lens does not run or debug programs in an untrusted workspace, because that runs code from it. Trust the workspace to debug.',
      );
      return undefined;
    }
    if (!config.type && !config.request && !config.name) {
      const document = vscode.window.activeTextEditor?.document;
      if (document?.languageId !== 'python') {
        void vscode.window.showErrorMessage('Asyncio Lens: open a Python file to debug it, or add a launch configuration.');
        return undefined;
      }
      config = currentFileConfiguration(document.uri.fsPath);
    }
    if (config.request === 'attach') {
      config.tasksUpdateIntervalMs ??= readConfig().tasksUpdateIntervalMs;
      return config; // by process id the program's own interpreter attaches
    }
    if (!config.program) {
      void vscode.window.showErrorMessage('Asyncio Lens: the launch configuration has no "program" to run.');
      return undefined;
    }
    config.python ??= await resolveInterpreter(folder?.uri ?? vscode.window.activeTextEditor?.document.uri, this.log);
    config.tasksUpdateIntervalMs ??= readConfig().tasksUpdateIntervalMs;
    return config;
  }
}

export function currentFileConfiguration(program: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: 'Asyncio Lens: Current File', program };
}

/** Runs the adapter inside the extension host: no extra process, and breakpoints in it work. */
export class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly runtimeDir: string) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new AsyncioLensSession({ runtimeDir: this.runtimeDir }));
  }
}
