import { describe, expect, it } from 'vitest';
import manifest from '../package.json';
import { ATTACH_ARGUMENT_KEYS, checkAttachArguments, checkLaunchArguments, LAUNCH_ARGUMENT_KEYS } from './launchArguments';
import { ProtocolError } from './errors';

describe('launch arguments', () => {
  const schema = manifest.contributes.debuggers[0].configurationAttributes.launch;

  it('agree with package.json configurationAttributes', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...LAUNCH_ARGUMENT_KEYS].sort());
    expect(schema.required).toEqual(['program']);
  });

  it('accept a full configuration', () => {
    const args = { program: 'a.py', args: ['-v'], cwd: '/tmp', env: { A: '1', B: null }, python: 'python3', tasksUpdateIntervalMs: 50, stopAtMarker: '# lens: stop here' };
    expect(checkLaunchArguments(args)).toEqual(args);
  });

  it.each([
    [{}, /"program"/],
    [{ program: '' }, /"program"/],
    [{ program: 'a.py', args: 'x' }, /"args"/],
    [{ program: 'a.py', env: { A: 1 } }, /"env.A"/],
    [{ program: 'a.py', cwd: 3 }, /"cwd"/],
    [{ program: 'a.py', tasksUpdateIntervalMs: 1 }, /"tasksUpdateIntervalMs"/],
    [{ program: 'a.py', stopAtMarker: '  ' }, /"stopAtMarker"/],
    [{ program: 'a.py', stopAtMarker: true }, /"stopAtMarker"/],
  ])('refuse %j with a readable message', (raw, message) => {
    expect(() => checkLaunchArguments(raw as Record<string, unknown>)).toThrow(ProtocolError);
    expect(() => checkLaunchArguments(raw as Record<string, unknown>)).toThrow(message);
  });
});

describe('attach arguments', () => {
  const schema = manifest.contributes.debuggers[0].configurationAttributes.attach;

  it('agree with package.json configurationAttributes', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...ATTACH_ARGUMENT_KEYS].sort());
    expect('required' in schema).toBe(false); // port, or processId
  });

  it('need a port and a token or token file', () => {
    expect(checkAttachArguments({ port: 5678, token: 'abc' })).toEqual({ port: 5678, token: 'abc' });
    expect(() => checkAttachArguments({ token: 'abc' })).toThrow(/"port"/);
    expect(() => checkAttachArguments({ port: 5678 })).toThrow(/token/);
    expect(() => checkAttachArguments({ port: 70000, token: 'x' })).toThrow(/"port"/);
  });

  it('or a process id (a number, or the string ${command:pickProcess} gives)', () => {
    expect(checkAttachArguments({ processId: 4242 })).toEqual({ processId: 4242 });
    expect(checkAttachArguments({ processId: '4242', python: '/usr/bin/python3.14' })).toEqual({ processId: '4242', python: '/usr/bin/python3.14' });
    expect(() => checkAttachArguments({ processId: 'abc' })).toThrow(/"processId"/);
    expect(() => checkAttachArguments({ processId: 0 })).toThrow(/"processId"/);
    expect(() => checkAttachArguments({ processId: 12, port: 5678 })).toThrow(/not both/);
    expect(() => checkAttachArguments({})).toThrow(/"processId"/);
  });
});
