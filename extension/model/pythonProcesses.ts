/**
 * The Python processes a user may attach to, from what `/proc` says of each process (Linux).
 * Pure: the caller reads `/proc`; `${command:pickProcess}` shows the result.
 */

export interface ProcessEntry {
  pid: number;
  /** The command line, arguments separated by spaces. */
  command: string;
}

/** `/proc/PID/cmdline`: NUL-separated arguments. */
export function parseCmdline(raw: string): string[] {
  return raw.split('\0').filter((arg) => arg !== '');
}

/** Whether an executable path names a Python interpreter (python, python3, python3.14, python3.14t...). */
export function isPythonExecutable(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return /^python(\d+(\.\d+)?t?)?$/.test(base);
}

/**
 * Python processes, newest first, leaving out `exclude` (the extension host and its
 * helpers) and Asyncio Lens's own attach commands.
 */
export function pythonProcesses(entries: { pid: number; exe: string | undefined; argv: string[] }[], exclude: Set<number>): ProcessEntry[] {
  const isLensCommand = (argv: string[]) =>
    argv.some((a, i) => (a === 'asyncio_lens' || a.endsWith('/asyncio_lens')) && ['attach', 'ps', 'pstree'].includes(argv[i + 1]));
  return entries
    .filter(({ pid, exe, argv }) =>
      !exclude.has(pid) && argv.length > 0 && (isPythonExecutable(exe ?? '') || isPythonExecutable(argv[0])) && !isLensCommand(argv))
    .sort((a, b) => b.pid - a.pid)
    .map(({ pid, argv }) => ({ pid, command: argv.join(' ') }));
}
