import { ErrorCodes, ProtocolError } from './errors';

/**
 * Launch arguments of the `asyncio-lens` debug type. `package.json`'s
 * `contributes.debuggers[0].configurationAttributes.launch` documents the same keys;
 * `launchArguments.test.ts` keeps the two in agreement.
 */
export interface LaunchArguments {
  /** Absolute or cwd-relative path of the Python script to run. */
  program: string;
  args?: string[];
  /** Working directory of the program; defaults to the program's folder. */
  cwd?: string;
  /** Extra environment variables; a null value removes the variable. */
  env?: Record<string, string | null>;
  /** Python interpreter: a path or a command on PATH. */
  python?: string;
  /** Minimum time between two task-tree updates, in milliseconds. */
  tasksUpdateIntervalMs?: number;
  /** Write the adapter's DAP trace to this file. */
  trace?: string;
  /** Stop at the first line of the program. */
  stopOnEntry?: boolean;
  /** Step and stop only in the user's own code, never in the standard library, asyncio or site-packages. */
  justMyCode?: boolean;
  /** How many asyncio tasks the Call Stack lists as threads. */
  maxTaskThreads?: number;
}

export const LAUNCH_ARGUMENT_KEYS = [
  'program', 'args', 'cwd', 'env', 'python', 'tasksUpdateIntervalMs', 'trace', 'stopOnEntry', 'justMyCode', 'maxTaskThreads',
] as const satisfies readonly (keyof LaunchArguments)[];

// Fails to compile when LaunchArguments gains a key that LAUNCH_ARGUMENT_KEYS lacks.
type MissingKeys = Exclude<keyof LaunchArguments, (typeof LAUNCH_ARGUMENT_KEYS)[number]>;
const _allKeysListed: MissingKeys extends never ? true : MissingKeys = true;
void _allKeysListed;

export const DEFAULT_TASKS_UPDATE_INTERVAL_MS = 100;
export const DEFAULT_MAX_TASK_THREADS = 50;

/** Checks the shape of untrusted launch arguments (they come from the user's launch.json). */
export function checkLaunchArguments(raw: Record<string, unknown>): LaunchArguments {
  const fail = (what: string): never => {
    throw new ProtocolError(ErrorCodes.invalidArguments, `Invalid launch configuration: ${what}`);
  };
  if (typeof raw.program !== 'string' || raw.program.trim() === '') fail('"program" must be the path of a Python file.');
  if (raw.args !== undefined && !(Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string'))) {
    fail('"args" must be a list of strings.');
  }
  for (const key of ['cwd', 'python', 'trace'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') fail(`"${key}" must be a string.`);
  }
  if (raw.env !== undefined) {
    const env = raw.env;
    if (typeof env !== 'object' || env === null || Array.isArray(env)) fail('"env" must be an object.');
    for (const [k, v] of Object.entries(env as object)) {
      if (v !== null && typeof v !== 'string') fail(`"env.${k}" must be a string or null.`);
    }
  }
  for (const key of ['stopOnEntry', 'justMyCode'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') fail(`"${key}" must be true or false.`);
  }
  const cap = raw.maxTaskThreads;
  if (cap !== undefined && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 0)) {
    fail('"maxTaskThreads" must be a whole number of at least 0.');
  }
  const interval = raw.tasksUpdateIntervalMs;
  if (interval !== undefined && (typeof interval !== 'number' || !(interval >= 10))) {
    fail('"tasksUpdateIntervalMs" must be a number of at least 10.');
  }
  return raw as unknown as LaunchArguments;
}
