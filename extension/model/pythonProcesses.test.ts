import { describe, expect, it } from 'vitest';
import { isPythonExecutable, parseCmdline, pythonProcesses } from './pythonProcesses';

describe('python processes to attach to', () => {
  it('reads /proc/PID/cmdline', () => {
    expect(parseCmdline('python3.14\0app.py\0--port\0\0')).toEqual(['python3.14', 'app.py', '--port']);
  });

  it('knows Python interpreters by name', () => {
    for (const yes of ['/usr/bin/python3', 'python', '/opt/py/bin/python3.14', 'python3.13t']) expect(isPythonExecutable(yes)).toBe(true);
    for (const no of ['/usr/bin/node', 'pythonista', 'python-config', '/usr/bin/bash']) expect(isPythonExecutable(no)).toBe(false);
  });

  it('lists Python programs newest first, without the editor and our own attach commands', () => {
    const entries = [
      { pid: 10, exe: '/usr/bin/python3.14', argv: ['python3.14', 'app.py'] },
      { pid: 30, exe: '/usr/bin/node', argv: ['node', 'server.js'] },
      { pid: 40, exe: '/usr/bin/python3.14', argv: ['/usr/bin/python3.14', '/ext/dist/runtime/asyncio_lens', 'attach', '10'] },
      { pid: 50, exe: undefined, argv: ['python3', '-m', 'http.server'] },
      { pid: 60, exe: '/usr/bin/python3.12', argv: ['python3', 'language_server.py'] },
      { pid: 70, exe: '/usr/bin/python3.14', argv: ['python3', '-m', 'asyncio_lens', 'run', '--listen', '127.0.0.1:0', 'svc.py'] },
    ];
    expect(pythonProcesses(entries, new Set([60]))).toEqual([
      { pid: 70, command: 'python3 -m asyncio_lens run --listen 127.0.0.1:0 svc.py' },
      { pid: 50, command: 'python3 -m http.server' },
      { pid: 10, command: 'python3.14 app.py' },
    ]);
  });
});
