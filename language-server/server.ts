// The language server process: LSP over stdio or Node IPC, wiring documents to the linter and the editor features.
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DEFAULT_LINT_SETTINGS, lintSettingsFrom, type LintSettings } from './analysis/settings';
import { ParsedDocument } from './documents';
import { entryPointLenses } from './features/codeLens';
import { hoverAt } from './features/hover';
import { codeActionsFor, toDiagnostic, toLspRange } from './features/lspConvert';
import { Linter } from './linter';
import { useLocale } from './messages';
import { loadPythonGrammar, shippedWasmPaths } from './syntax/pythonParser';
import { WorkspaceModules } from './workspaceModules';
import { fileURLToPath } from 'node:url';

const connection = createConnection(ProposedFeatures.all);
const documents = new Map<string, ParsedDocument>();
let settings: LintSettings = DEFAULT_LINT_SETTINGS;
let canPullConfiguration = false;
let linter: Linter | undefined;

connection.onInitialize(async (params): Promise<InitializeResult> => {
  useLocale(params.locale);
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  // `lint` seeds the settings for clients without workspace/configuration; the other two serve bench/.
  const options = params.initializationOptions as { lint?: unknown; debounceMs?: number; reportTiming?: boolean } | undefined;
  if (options?.lint) settings = lintSettingsFrom(options.lint);
  const grammar = await loadPythonGrammar(shippedWasmPaths(__dirname));
  const roots = (params.workspaceFolders ?? []).flatMap((folder) => (folder.uri.startsWith('file:') ? [fileURLToPath(folder.uri)] : []));
  const workspace = new WorkspaceModules(grammar.newParser(), () => roots, () => settings.extraPaths);
  linter = new Linter(grammar, {
    settings: () => settings,
    publish: (document, diagnoses) =>
      void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnoses.map(toDiagnostic) }),
    log: (message) => connection.console.log(message),
    modules: (document) => workspace.hostFor(document.uri.startsWith('file:') ? fileURLToPath(document.uri) : undefined),
    timing: options?.reportTiming ? (timing) => void connection.sendNotification('asyncioLens/analysisTiming', timing) : undefined,
  }, typeof options?.debounceMs === 'number' ? options.debounceMs : undefined);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Asyncio Lens' },
  };
});

connection.onInitialized(async () => {
  if (!canPullConfiguration) return;
  void connection.client.register(DidChangeConfigurationNotification.type, { section: 'asyncioLens' });
  await refreshSettings();
});

async function refreshSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  settings = lintSettingsFrom(await connection.workspace.getConfiguration({ section: 'asyncioLens.lint' }));
  for (const document of documents.values()) linter?.schedule(document);
  connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

connection.onDidChangeConfiguration(async (change) => {
  if (canPullConfiguration) return refreshSettings();
  const pushed = (change.settings as { asyncioLens?: { lint?: unknown } } | undefined)?.asyncioLens?.lint;
  settings = lintSettingsFrom(pushed);
  for (const document of documents.values()) linter?.schedule(document);
});

connection.onDidOpenTextDocument(({ textDocument }) => {
  const document = new ParsedDocument(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  documents.set(textDocument.uri, document);
  linter?.schedule(document);
});

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return;
  document.applyChanges(contentChanges, textDocument.version);
  linter?.schedule(document);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  documents.get(textDocument.uri)?.dispose();
  documents.delete(textDocument.uri);
  linter?.forget(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
});

connection.onCodeAction(({ textDocument, range }) => {
  const document = documents.get(textDocument.uri);
  if (!document || !linter) return [];
  return codeActionsFor(textDocument.uri, linter.diagnosesNow(document), range, (row) => document.lineAt(row));
});

connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  const file = document && linter?.indexOf(document);
  const hover = file && hoverAt(file, { row: position.line, column: position.character });
  return hover ? { contents: { kind: 'markdown', value: hover.markdown }, range: toLspRange(hover.range) } : null;
});

connection.onCodeLens(({ textDocument }) => {
  const document = documents.get(textDocument.uri);
  const file = document && settings.enabled && settings.codeLens ? linter?.indexOf(document) : undefined;
  if (!file) return [];
  return entryPointLenses(file).map((lens) => ({ range: toLspRange(lens.range), command: { title: lens.title, command: lens.command } }));
});

connection.listen();
