import * as vscode from 'vscode';
import { AsyncioLensSession } from '../debug-adapter/session';
import { pythonCommand } from './config';
import { readConfig } from './settings';
import { DEBUG_TYPE } from './ids';

/** Fills in launch configurations, so that F5 on a Python file works without a launch.json. */
export class AsyncioLensConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
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
    if (!config.program) {
      void vscode.window.showErrorMessage('Asyncio Lens: the launch configuration has no "program" to run.');
      return undefined;
    }
    const settings = readConfig();
    config.python ??= pythonCommand(settings);
    config.tasksUpdateIntervalMs ??= settings.tasksUpdateIntervalMs;
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
