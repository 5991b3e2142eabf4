import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import { pythonCommand } from './config';
import { readConfig } from './settings';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * The interpreter for running and debugging `resource`: the `asyncioLens.python` setting
 * when the user set one, else the interpreter selected in the Python extension when it is
 * installed, else `python3` (`python` on Windows) on PATH.
 */
export async function resolveInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string> {
  const config = readConfig();
  if (config.python) return config.python;
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    try {
      const api = await PythonExtension.api();
      const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
      const executable = environment?.executable.uri?.fsPath;
      if (executable) return executable;
    } catch (err) {
      log.warn(`Could not read the Python extension's interpreter: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return pythonCommand(config);
}
