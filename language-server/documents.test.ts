import { describe, expect, it } from 'vitest';
import { ParsedDocument } from './documents';
import { grammarFromNodeModules } from './testing/grammar';

describe('ParsedDocument', () => {
  it('keeps the incrementally edited tree equal to a fresh parse, multi-byte text and CRLF included', async () => {
    const grammar = await grammarFromNodeModules();
    const parser = grammar.newParser();
    const text = 'import asyncio\r\n# привет 😀\r\nasync def main():\r\n    await asyncio.sleep(1)\r\n';
    const document = new ParsedDocument('file:///t.py', 'python', 1, text);
    document.parse(parser);
    document.applyChanges(
      [
        { range: { start: { line: 1, character: 9 }, end: { line: 1, character: 11 } }, text: 'мир\r\nx = 1' },
        { range: { start: { line: 4, character: 10 }, end: { line: 4, character: 10 } }, text: 'asyncio.create_task(main())\r\n    ' },
      ],
      2,
    );
    const incremental = document.parse(parser);
    const fresh = parser.parse(document.text)!;
    expect(document.text).toContain('# привет мир\r\nx = 1\r\n');
    expect(incremental.rootNode.toString()).toBe(fresh.rootNode.toString());
    expect(incremental.rootNode.descendantsOfType('call').map((n) => n!.startPosition)).toEqual(
      fresh.rootNode.descendantsOfType('call').map((n) => n!.startPosition),
    );
    fresh.delete();
    document.dispose();
  });

  it('starts over on a whole-text change', async () => {
    const parser = (await grammarFromNodeModules()).newParser();
    const document = new ParsedDocument('file:///t.py', 'python', 1, 'x = 1\n');
    document.parse(parser);
    document.applyChanges([{ text: 'async def f(): ...\n' }], 2);
    expect(document.parse(parser).rootNode.firstNamedChild?.type).toBe('function_definition');
    document.dispose();
  });
});
