// LSP-level: the built server over stdio, as the editor talks to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type CodeAction,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { startServer, type TestClient } from './lspClient';

const FIXTURE = [
  'import asyncio',
  'import time',
  '',
  'async def work():',
  '    await asyncio.sleep(1)',
  '',
  'async def main():',
  '    asyncio.create_task(work())',
  '    time.sleep(1)',
  '    work()',
  '',
  'if __name__ == "__main__":',
  '    asyncio.run(main())',
  '',
].join('\n');

function applyEdits(text: string, action: CodeAction, uri: string): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...(action.edit!.changes![uri] ?? [])].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const edit of edits) text = text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
  return text;
}

describe('language server over stdio (dist/languageServer.js)', () => {
  let client: TestClient;
  const uri = 'file:///work/fixture.py';

  beforeAll(async () => {
    client = await startServer();
  });
  afterAll(async () => {
    await client?.close();
  });

  it('publishes diagnostics for an opened file', async () => {
    const published = client.nextDiagnostics(uri);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: FIXTURE },
    });
    const { diagnostics, version } = await published;
    expect(version).toBe(1);
    expect(diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`)).toEqual([
      'ALENS001@7:4',
      'ALENS002@9:4',
      'ALENS003@8:4',
    ]);
    expect(diagnostics.every((d) => d.source === 'asyncio-lens')).toBe(true);
  });

  it('offers a quick fix whose edit replaces time.sleep with await asyncio.sleep', async () => {
    const range = { start: { line: 8, character: 4 }, end: { line: 8, character: 17 } };
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics: [] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.title).toBe('Replace with await asyncio.sleep()');
    expect(applyEdits(FIXTURE, fix, uri).split('\n')[8]).toBe('    await asyncio.sleep(1)');
    expect(actions.map((a) => a.title)).toContain('Silence ALENS003 (blocking-sleep) on this line');
  });

  it('offers a TaskGroup rewrite for the dropped task, after the keep-a-reference fix', async () => {
    const range = { start: { line: 7, character: 4 }, end: { line: 7, character: 31 } };
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics: [] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    const taskGroup = actions.find((a) => a.title.includes('TaskGroup'))!;
    expect(titles.indexOf(taskGroup.title)).toBeGreaterThan(titles.indexOf('Keep a reference to the task in a set'));
    expect(taskGroup.title).toContain('Python 3.11+');
    expect(taskGroup.isPreferred).toBeFalsy();
    expect(applyEdits(FIXTURE, taskGroup, uri).split('\n').slice(6, 12)).toEqual([
      'async def main():',
      '    async with asyncio.TaskGroup() as tg:',
      '        tg.create_task(work())',
      '        time.sleep(1)',
      '        work()',
      '',
    ]);
  });

  it('explains asyncio names on hover, with the Python version and a link to the matching course step', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 14 } });
    const markdown = (hover!.contents as MarkupContent).value;
    expect(markdown).toContain('asyncio.create_task(coro, *, name=None, context=None)');
    expect(markdown).toContain('3.7+');
    const link = /\[Course: Creating tasks\]\(command:asyncioLens\.openWalkthrough\?([^)]*)\)/.exec(markdown);
    expect(link, markdown).not.toBeNull();
    expect(JSON.parse(decodeURIComponent(link![1]))).toEqual(['tasks']);
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 6 } })).toBeNull();
  });

  it('puts Run and Debug with tasks lenses on the main guard', async () => {
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    expect(lenses!.map((l) => [l.range.start.line, l.command!.command])).toEqual([
      [11, 'asyncioLens.runCurrentFile'],
      [11, 'asyncioLens.debugCurrentFile'],
    ]);
  });

  it('re-analyses after incremental edits, reporting the latest version only', async () => {
    const published = client.nextDiagnostics(uri, (p) => p.version === 3);
    // Version 2 deletes the `time.sleep(1)` line; version 3 turns `work()` into `await work()`.
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 8, character: 0 }, end: { line: 9, character: 0 } }, text: '' }],
    });
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 8, character: 4 }, end: { line: 8, character: 4 } }, text: 'await ' }],
    });
    const { diagnostics } = await published;
    expect(diagnostics.map((d) => d.code)).toEqual(['ALENS001']);
  });

  it('stays quiet and alive on binary and Python 2 input', async () => {
    const binary = 'file:///work/binary.py';
    const published = client.nextDiagnostics(binary);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: binary, languageId: 'python', version: 1, text: 'PK\u0003\u0004\u0000\u0000\uFFFD\uFFFD' },
    });
    expect((await published).diagnostics).toEqual([]);
    const legacy = 'file:///work/legacy.py';
    const legacyPublished = client.nextDiagnostics(legacy);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: legacy, languageId: 'python', version: 1, text: 'print "hi"\ntry:\n    x\nexcept Exception, e:\n    print e\n' },
    });
    expect((await legacyPublished).diagnostics).toEqual([]);
  });
});

describe('language server in Russian', () => {
  it('reports messages in the client locale', async () => {
    const client = await startServer({ locale: 'ru' });
    try {
      const uri = 'file:///work/ru.py';
      const published = client.nextDiagnostics(uri);
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'python', version: 1, text: FIXTURE },
      });
      const { diagnostics } = await published;
      expect(diagnostics[0].message).toMatch(/[а-яё]/i);
    } finally {
      await client.close();
    }
  });
});
