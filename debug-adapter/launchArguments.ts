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
  /**
   * Stop once at the program's lines that contain this text (a walkthrough's
   * `# lens: stop here`), as if a breakpoint were there, without showing one.
   */
  stopAtMarker?: string;
}

export const LAUNCH_ARGUMENT_KEYS = [
  'program', 'args', 'cwd', 'env', 'python', 'tasksUpdateIntervalMs', 'trace', 'stopOnEntry', 'justMyCode', 'maxTaskThreads',
  'stopAtMarker',
] as const satisfies readonly (keyof LaunchArguments)[];

// Fails to compile when LaunchArguments gains a key that LAUNCH_ARGUMENT_KEYS lacks.
type MissingKeys = Exclude<keyof LaunchArguments, (typeof LAUNCH_ARGUMENT_KEYS)[number]>;
const _allKeysListed: MissingKeys extends never ? true : MissingKeys = true;
void _allKeysListed;

/**
 * Attach arguments: a program started with `python -m asyncio_lens run --listen HOST:PORT`
 * (`port` with `token` or `tokenFile`), or any CPython 3.14+ program by its `processId`.
 * `package.json`'s `configurationAttributes.attach` documents the same keys.
 */
export interface AttachArguments {
  /** Loopback host the runtime listens on. */
  host?: string;
  port?: number;
  /** A running program to start the agent in (CPython 3.14+); a string from `${command:pickProcess}`. */
  processId?: number | string;
  /** The interpreter that attaches by process id (default: the program's own). */
  python?: string;
  /** The one-time token the runtime printed, or the file it wrote it to. */
  token?: string;
  tokenFile?: string;
  justMyCode?: boolean;
  tasksUpdateIntervalMs?: number;
  maxTaskThreads?: number;
  trace?: string;
}

export const ATTACH_ARGUMENT_KEYS = [
  'host', 'port', 'processId', 'python', 'token', 'tokenFile', 'justMyCode', 'tasksUpdateIntervalMs', 'maxTaskThreads', 'trace',
] as const satisfies readonly (keyof AttachArguments)[];

type MissingAttachKeys = Exclude<keyof AttachArguments, (typeof ATTACH_ARGUMENT_KEYS)[number]>;
const _allAttachKeysListed: MissingAttachKeys extends never ? true : MissingAttachKeys = true;
void _allAttachKeysListed;

export const DEFAULT_TASKS_UPDATE_INTERVAL_MS = 100;
export const DEFAULT_MAX_TASK_THREADS = 50;

function failer(request: string) {
  return (what: string): never => {
    throw new ProtocolError(ErrorCodes.invalidArguments, `Invalid ${request} configuration: ${what}`);
  };
}

/** Checks the options launch and attach share. */
function checkCommon(raw: Record<string, unknown>, fail: (what: string) => never): void {
  if (raw.trace !== undefined && typeof raw.trace !== 'string') fail('"trace" must be a string.');
  if (raw.justMyCode !== undefined && typeof raw.justMyCode !== 'boolean') fail('"justMyCode" must be true or false.');
  const cap = raw.maxTaskThreads;
  if (cap !== undefined && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 0)) {
    fail('"maxTaskThreads" must be a whole number of at least 0.');
  }
  const interval = raw.tasksUpdateIntervalMs;
  if (interval !== undefined && (typeof interval !== 'number' || !(interval >= 10))) {
    fail('"tasksUpdateIntervalMs" must be a number of at least 10.');
  }
}

/** Checks the shape of untrusted attach arguments (they come from the user's launch.json). */
export function checkAttachArguments(raw: Record<string, unknown>): AttachArguments {
  const fail = failer('attach');
  checkCommon(raw, fail);
  for (const key of ['host', 'token', 'tokenFile', 'python'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') fail(`"${key}" must be a string.`);
  }
  if (raw.processId !== undefined) {
    const pid = typeof raw.processId === 'string' ? Number(raw.processId.trim()) : raw.processId;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) fail('"processId" must be the id of a running Python process.');
    if (raw.port !== undefined) fail('give either "processId" or "port", not both.');
    return raw as unknown as AttachArguments;
  }
  if (typeof raw.port !== 'number' || !Number.isInteger(raw.port) || raw.port <= 0 || raw.port > 65535) {
    fail('"port" must be the port the program listens on, or give the "processId" of a running program (Python 3.14+).');
  }
  if (raw.token === undefined && raw.tokenFile === undefined) fail('give the "token" the program printed, or its "tokenFile".');
  return raw as unknown as AttachArguments;
}

/** Checks the shape of untrusted launch arguments (they come from the user's launch.json). */
export function checkLaunchArguments(raw: Record<string, unknown>): LaunchArguments {
  const fail = failer('launch');
  checkCommon(raw, fail);
  if (typeof raw.program !== 'string' || raw.program.trim() === '') fail('"program" must be the path of a Python file.');
  if (raw.args !== undefined && !(Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string'))) {
    fail('"args" must be a list of strings.');
  }
  for (const key of ['cwd', 'python'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') fail(`"${key}" must be a string.`);
  }
  if (raw.env !== undefined) {
    const env = raw.env;
    if (typeof env !== 'object' || env === null || Array.isArray(env)) fail('"env" must be an object.');
    for (const [k, v] of Object.entries(env as object)) {
      if (v !== null && typeof v !== 'string') fail(`"env.${k}" must be a string or null.`);
    }
  }
  if (raw.stopOnEntry !== undefined && typeof raw.stopOnEntry !== 'boolean') fail('"stopOnEntry" must be true or false.');
  if (raw.stopAtMarker !== undefined && (typeof raw.stopAtMarker !== 'string' || raw.stopAtMarker.trim() === '')) {
    fail('"stopAtMarker" must be the text that marks the lines to stop at.');
  }
  return raw as unknown as LaunchArguments;
}
