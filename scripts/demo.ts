/**
 * `npm start`: runs the bundled example through the standalone debug adapter (dist/), as an
 * editor would, and prints the live task tree a few times while it runs, then the program's
 * output and exit code.
 */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { join, resolve } from 'node:path';
import type { TasksChangedParams } from '../debug-adapter/agentProtocol';
import { CustomEvents } from '../debug-adapter/customProtocol';
import { renderTaskTree } from '../extension/model/textTree';
import { TaskTreeModel } from '../extension/model/taskTree';

const PRINT_EVERY_MS = 400;

async function main(): Promise<number> {
  const root = resolve(__dirname, '..');
  const program = process.argv[2] ? resolve(process.argv[2]) : join(root, 'examples', 'crawler.py');
  const python = process.env.ASYNCIO_LENS_PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
  const client = new DebugClient('node', join(root, 'dist', 'debugAdapter.js'), 'asyncio-lens');
  const model = new TaskTreeModel();
  const output: string[] = [];
  let lastPrint = 0;

  client.on(CustomEvents.tasksChanged, (event: DebugProtocol.Event) => {
    model.apply(event.body as TasksChangedParams);
    const now = Date.now();
    if (now - lastPrint >= PRINT_EVERY_MS && model.size > 0) {
      lastPrint = now;
      console.log(`\n── live tasks (${model.size}) ──\n${renderTaskTree(model)}`);
    }
  });
  client.on('output', (event: DebugProtocol.OutputEvent) => {
    if (event.body.category !== 'telemetry') output.push(event.body.output);
  });

  console.log(`Asyncio Lens: debugging ${program} with ${python}`);
  await client.start();
  // Both end events come in one burst: listen for them together.
  const exited = client.waitForEvent('exited', 60_000) as Promise<DebugProtocol.ExitedEvent>;
  const terminated = client.waitForEvent('terminated', 60_000);
  await Promise.all([
    client.configurationSequence(),
    client.launch({ program, python } as DebugProtocol.LaunchRequestArguments),
  ]);
  const { body } = await exited;
  await terminated;
  await client.stop();
  console.log(`\n── program output ──\n${output.join('').trimEnd()}`);
  console.log(`\n── exit code: ${body.exitCode} ──`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
