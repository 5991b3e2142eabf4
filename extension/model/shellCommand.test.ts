import { describe, expect, it } from 'vitest';
import { shellCommand, shellKind } from './shellCommand';

describe('shellCommand', () => {
  it('knows the shell from its path', () => {
    expect(shellKind('/bin/bash')).toBe('posix');
    expect(shellKind('/usr/bin/zsh')).toBe('posix');
    expect(shellKind('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe')).toBe('powershell');
    expect(shellKind('/usr/local/bin/pwsh')).toBe('powershell');
    expect(shellKind('C:\\Windows\\System32\\cmd.exe')).toBe('cmd');
    expect(shellKind('')).toBe('posix');
  });

  it('leaves plain words alone', () => {
    expect(shellCommand('posix', ['venv/bin/python3', 'app/main.py'])).toBe('venv/bin/python3 app/main.py');
  });

  it('quotes spaces, quotes and shell characters for POSIX shells', () => {
    expect(shellCommand('posix', ['python3', "scratch/it's my $HOME/a b.py"])).toBe(`python3 'scratch/it'\\''s my $HOME/a b.py'`);
    expect(shellCommand('posix', ['python3', ''])).toBe("python3 ''");
  });

  it('calls a quoted program with & in PowerShell', () => {
    expect(shellCommand('powershell', ['C:\\Program Files\\Python312\\python.exe', "C:\\it's\\a.py"]))
      .toBe(`& 'C:\\Program Files\\Python312\\python.exe' 'C:\\it''s\\a.py'`);
  });

  it('double-quotes for cmd.exe', () => {
    expect(shellCommand('cmd', ['C:\\Program Files\\py.exe', 'C:\\a b\\x.py'])).toBe('"C:\\Program Files\\py.exe" "C:\\a b\\x.py"');
  });
});
