import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ASYNCIO_DOCS } from './features/asyncioDocs';
import russian from './l10n/bundle.l10n.ru.json';
import { t, useLocale } from './messages';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test' || name === 'testing' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every literal passed to t(), plus the hover version notes that are words rather than just a version. */
function messageKeys(): string[] {
  const keys = new Set<string>();
  for (const file of sourceFiles(__dirname)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) keys.add(match[1].replace(/\\'/g, "'"));
  }
  for (const doc of Object.values(ASYNCIO_DOCS)) for (const note of doc.versions) if (!/^[\d.]+\+$/.test(note)) keys.add(note);
  return [...keys].sort();
}

describe('messages', () => {
  afterEach(() => useLocale('en'));

  it('has a Russian translation for every message, and no stale ones', () => {
    const keys = messageKeys();
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((key) => !(key in russian))).toEqual([]);
    expect(Object.keys(russian).filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('keeps the {n} placeholders in each translation', () => {
    for (const [english, translated] of Object.entries(russian)) {
      expect(translated.match(/\{\d\}/g)?.sort(), english).toEqual(english.match(/\{\d\}/g)?.sort());
    }
  });

  it('switches language by the client locale, falling back to English', () => {
    useLocale('ru-RU');
    expect(t('Add await')).toBe('Добавить await');
    useLocale('de');
    expect(t('Add await')).toBe('Add await');
  });
});
