/**
 * Decodes the runtime's compact task form (`compact: true`, see `agentProtocol.ts`) back into
 * the full shapes, so that what the extension receives does not depend on the wire form.
 * Pure data; the Python encoder is `runtime/asyncio_lens/_compact.py`.
 */
import type {
  ChainFrame,
  CompactFrame,
  CompactSite,
  CompactSnapshot,
  CompactTask,
  CompactTasksChangedParams,
  CompactWaiting,
  Snapshot,
  SourceLocation,
  TaskInfo,
  TasksChangedParams,
  TaskState,
  WaitingOn,
} from './agentProtocol';

export function isCompactChange(params: TasksChangedParams | CompactTasksChangedParams): params is CompactTasksChangedParams {
  return Array.isArray((params as CompactTasksChangedParams).strings);
}

export function isCompactSnapshot(snapshot: Snapshot | CompactSnapshot): snapshot is CompactSnapshot {
  return Array.isArray((snapshot as CompactSnapshot).strings);
}

/** A string table and the chain table decoded with it (decoded chains are shared by the tasks). */
interface Tables {
  strings: string[];
  chains: ChainFrame[][];
}

function lookup(strings: readonly string[], ref: number): string {
  const text = strings[ref];
  if (text === undefined) throw new Error(`compact tasks: string ${ref} is not in the table (${strings.length} entries)`);
  return text;
}

function chainOf(tables: Tables, ref: number): ChainFrame[] {
  const chain = tables.chains[ref];
  if (chain === undefined) throw new Error(`compact tasks: chain ${ref} is not in the table (${tables.chains.length} entries)`);
  return chain;
}

function addTables(tables: Tables, strings: readonly string[], chains: readonly CompactFrame[][]): void {
  for (const text of strings) tables.strings.push(text);
  for (const chain of chains) tables.chains.push(chain.map((f) => frame(tables.strings, f)));
}

function site(strings: readonly string[], row: CompactSite | null): SourceLocation | null {
  return row === null ? null : { file: lookup(strings, row[0]), line: row[1] };
}

function frame(strings: readonly string[], row: CompactFrame): ChainFrame {
  return { name: lookup(strings, row[0]), file: lookup(strings, row[1]), line: row[2] };
}

function waiting(strings: readonly string[], row: CompactWaiting | null): WaitingOn | null {
  if (row === null) return null;
  const out: WaitingOn = { kind: lookup(strings, row[0]), detail: row[1], tasks: row[2] };
  return row.length > 3 ? { ...out, ...row[3] } : out;
}

/** One compact task array as a `TaskInfo`, its keys in `TASK_KEYS` order. */
function decodeTask(tables: Tables, row: CompactTask): TaskInfo {
  const strings = tables.strings;
  return {
    id: row[0],
    name: row[1],
    state: lookup(strings, row[2]) as TaskState,
    parent: row[3],
    group: row[4],
    coro: lookup(strings, row[5]),
    created_at: site(strings, row[6]),
    chain: chainOf(tables, row[7]),
    waiting_on: waiting(strings, row[8]),
    awaited_by: row[9],
    cancel: row[10],
    exception: row[11],
    steps: row[12],
    busy_ms: row[13],
    created: row[14],
    first_run: row[15],
    finished: row[16],
    shielded: row[17],
  };
}

/** A compact snapshot (its own whole table) as a `Snapshot`. */
export function decodeSnapshot(snapshot: Snapshot | CompactSnapshot): Snapshot {
  if (!isCompactSnapshot(snapshot)) return snapshot;
  const { strings, chains, tasks, history, ...rest } = snapshot;
  const tables: Tables = { strings: [], chains: [] };
  addTables(tables, strings, chains);
  return {
    ...rest,
    tasks: tasks.map((t) => decodeTask(tables, t)),
    history: history.map((t) => decodeTask(tables, t)),
  };
}

/** Keeps a subscription's string and chain tables from one `tasks/changed` to the next. */
export class CompactChangeDecoder {
  private tables: Tables = { strings: [], chains: [] };

  decode(params: TasksChangedParams | CompactTasksChangedParams): TasksChangedParams {
    if (!isCompactChange(params)) return params;
    if (params.reset) this.tables = { strings: [], chains: [] };
    const { strings, chains, tasks, finished, ...rest } = params;
    addTables(this.tables, strings, chains);
    return {
      ...rest,
      tasks: tasks.map((t) => decodeTask(this.tables, t)),
      finished: finished.map((t) => decodeTask(this.tables, t)),
    };
  }
}
