/**
 * Standalone entry of the debug adapter: `node dist/debugAdapter.js` speaks DAP on
 * stdin/stdout, `node dist/debugAdapter.js --server=PORT` on a loopback TCP port.
 */
import { createServer } from 'node:net';
import { logger } from '@vscode/debugadapter';
import { AsyncioLensSession, bundledRuntimeDir } from './session';

const runtimeDir = bundledRuntimeDir(__dirname);

// vscode-jsonrpc reports a write to a socket the runtime already closed (a refused attach
// token, a program that died) as a rejection nobody holds; the request that needed the write
// fails on its own, so log it instead of letting Node end the whole session.
process.on('unhandledRejection', (reason) => {
  logger.warn(`Ignored a failed write to the runtime: ${reason instanceof Error ? reason.message : String(reason)}`);
});
const serverArg = process.argv.slice(2).find((a) => a.startsWith('--server='));

if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  createServer((socket) => {
    const session = new AsyncioLensSession({ runtimeDir });
    session.setRunAsServer(true);
    session.start(socket, socket);
  }).listen(port, '127.0.0.1', () => {
    process.stderr.write(`asyncio-lens debug adapter listening on 127.0.0.1:${port}\n`);
  });
} else {
  const session = new AsyncioLensSession({ runtimeDir });
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}
