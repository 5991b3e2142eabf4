/** Starts the built adapter (dist/debugAdapter.js) under DebugClient and collects its output. */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const FIXTURES = join(__dirname, 'fixtures');
const ADAPTER = join(ROOT, 'dist', 'debugAdapter.js');

export interface Harness {
  client: DebugClient;
  /** All output events so far, joined per category. */
  output(category?: string): string;
}

export async function startAdapter(): Promise<Harness> {
  if (!existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run "npm run build" first.`);
  const client = new DebugClient('node', ADAPTER, 'asyncio-lens', undefined, true);
  client.defaultTimeout = 30_000;
  const events: DebugProtocol.OutputEvent[] = [];
  client.on('output', (e: DebugProtocol.OutputEvent) => events.push(e));
  await client.start();
  return {
    client,
    output: (category) =>
      events.filter((e) => category === undefined || e.body.category === category).map((e) => e.body.output).join(''),
  };
}

/** Runs the configuration sequence and the launch together, as VS Code does. */
export async function launch(client: DebugClient, args: Record<string, unknown>): Promise<void> {
  await Promise.all([client.configurationSequence(), client.launch(args as DebugProtocol.LaunchRequestArguments)]);
}

/** Waits for an `output` event whose accumulated text matches. */
export function waitForOutput(harness: Harness, pattern: RegExp, category?: string): Promise<void> {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output matching ${pattern}; got:\n${harness.output()}`)), 30_000);
    const check = () => {
      if (pattern.test(harness.output(category))) {
        clearTimeout(timer);
        harness.client.removeListener('output', check);
        resolveWait();
      }
    };
    harness.client.on('output', check);
    check();
  });
}
