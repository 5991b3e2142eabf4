import * as vscode from 'vscode';
import { Config, configFrom } from './config';
import { SETTINGS_SECTION } from './ids';

export function readConfig(): Config {
  return configFrom(vscode.workspace.getConfiguration(SETTINGS_SECTION));
}
