// Shared by the bench/lsp-*.mjs scripts: starts the built language server (dist/languageServer.js) over stdio.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lsp from 'vscode-languageserver-protocol/node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = join(root, 'dist', 'languageServer.js');

/** Starts the server; `initializationOptions` may carry `{ debounceMs, reportTiming }` for measurements. */
export async function startServer(initializationOptions = {}) {
  if (!existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing: run \`node esbuild.mjs\` first`);
  const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = lsp.createProtocolConnection(new lsp.StreamMessageReader(child.stdout), new lsp.StreamMessageWriter(child.stdin));
  const waiters = [];
  connection.onNotification(lsp.PublishDiagnosticsNotification.type, (params) => {
    for (const waiter of waiters.filter((w) => w.uri === params.uri && w.accept(params))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(params);
    }
  });
  const timings = [];
  const timingWaiters = [];
  connection.onNotification('asyncioLens/analysisTiming', (timing) => {
    timings.push(timing);
    for (const waiter of timingWaiters.filter((w) => w.version === timing.version)) {
      timingWaiters.splice(timingWaiters.indexOf(waiter), 1);
      waiter.resolve(timing);
    }
  });
  connection.listen();
  await connection.sendRequest(lsp.InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    locale: 'en',
    capabilities: {},
    initializationOptions,
  });
  await connection.sendNotification(lsp.InitializedNotification.type, {});
  return {
    connection,
    timings,
    nextDiagnostics: (uri, accept = () => true) => new Promise((resolve) => waiters.push({ uri, accept, resolve })),
    /** Resolves when the analysis of `version` reports its timing (it follows that version's diagnostics). */
    timingFor: (version) =>
      new Promise((resolve) => {
        const done = timings.find((t) => t.version === version);
        if (done) resolve(done);
        else timingWaiters.push({ version, resolve });
      }),
    async open(uri, text, version = 1) {
      const published = this.nextDiagnostics(uri, (p) => p.version === version);
      await connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version, text } });
      return published;
    },
    async close(uri) {
      await connection.sendNotification(lsp.DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      connection.dispose();
    },
  };
}
