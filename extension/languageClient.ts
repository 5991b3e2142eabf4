// Starts the Asyncio Lens language server (dist/languageServer.js) for Python files.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Commands, SETTINGS_SECTION } from './ids';

/** The client is a Disposable: pushing it into context.subscriptions stops the server with the extension. */
export function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = join(context.extensionPath, 'dist', 'languageServer.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    // Hovers link to the course; only that command may run from their markdown.
    markdown: { isTrusted: { enabledCommands: [Commands.openWalkthrough] } },
    outputChannel: log,
  };
  const client = new LanguageClient('asyncioLens', 'Asyncio Lens', serverOptions, clientOptions);
  client.start().catch((err: unknown) => log.error(`Language server failed to start: ${err instanceof Error ? err.message : String(err)}`));
  return client;
}
