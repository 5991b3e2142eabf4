/**
 * A command line for the user's shell, as the Python extension builds one for "Run Python File":
 * quoted for POSIX shells, PowerShell (which needs `&` to call a quoted path) or cmd.exe.
 * Pure: imports nothing from `vscode`.
 */
export type ShellKind = 'posix' | 'powershell' | 'cmd';

/** The kind of shell at `shellPath` (VS Code's `env.shell`); POSIX unless it is PowerShell or cmd. */
export function shellKind(shellPath: string): ShellKind {
  const name = shellPath.replace(/^.*[\\/]/, '').toLowerCase();
  if (/^(pwsh|powershell)(\.exe)?$/.test(name)) return 'powershell';
  if (/^cmd(\.exe)?$/.test(name)) return 'cmd';
  return 'posix';
}

export function shellCommand(kind: ShellKind, argv: readonly string[]): string {
  const quoted = argv.map((arg) => quote(kind, arg));
  return kind === 'powershell' ? `& ${quoted.join(' ')}` : quoted.join(' ');
}

function quote(kind: ShellKind, arg: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg) && arg !== '') return kind === 'posix' && arg.includes('\\') ? `'${arg}'` : arg;
  if (kind === 'posix') return `'${arg.replace(/'/g, `'\\''`)}'`;
  if (kind === 'powershell') return `'${arg.replace(/'/g, "''")}'`;
  return `"${arg.replace(/"/g, '""')}"`;
}
