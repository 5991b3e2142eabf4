import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../package.json';
import { CONFIG_KEYS, DEFAULT_CONFIG } from './config';
import { triedContextKey } from './model/snippetIds';
import { Commands, DEBUG_TYPE, SETTINGS_SECTION, Views, WALKTHROUGH_ID } from './ids';

const root = join(__dirname, '..');

/** VS Code replaces a "%key%" string of package.json with package.nls.json (English) or package.nls.<language>.json. */
const nls: Record<string, Record<string, string>> = {
  en: JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')),
  ru: JSON.parse(readFileSync(join(root, 'package.nls.ru.json'), 'utf8')),
};
const localized = (value: string, language: string): string | undefined => {
  const key = /^%(.+)%$/.exec(value)?.[1];
  return key === undefined ? value : (nls[language][key] ?? nls.en[key]);
};

describe('package.json agrees with the id registry', () => {
  it('declares exactly the registered commands', () => {
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(Object.values(Commands).sort());
  });

  it('declares the views, debug type and settings', () => {
    expect(manifest.contributes.views.debug.map((v) => v.id)).toEqual(Object.values(Views));
    expect(manifest.contributes.debuggers.map((d) => d.type)).toEqual([DEBUG_TYPE]);
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual(
      CONFIG_KEYS.map((k) => `${SETTINGS_SECTION}.${k}`).sort(),
    );
  });

  it('menus only name declared commands', () => {
    const declared = new Set<string>(Object.values(Commands));
    for (const entries of Object.values(manifest.contributes.menus)) {
      for (const entry of entries as { command: string }[]) expect(declared).toContain(entry.command);
    }
  });
});

describe('walkthroughs', () => {
  const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === WALKTHROUGH_ID);

  it('exists', () => {
    expect(walkthrough).toBeDefined();
  });

  it('every step points at files that exist and commands that are declared', () => {
    const declared = new Set<string>(Object.values(Commands));
    for (const step of walkthrough!.steps) {
      expect(existsSync(join(root, step.media.markdown)), step.media.markdown).toBe(true);
      // VS Code's walkthrough renderer shows <name>.nls.<language>.md instead of <name>.md when it exists.
      const russian = step.media.markdown.replace(/\.md$/, '.nls.ru.md');
      expect(existsSync(join(root, russian)), russian).toBe(true);
      for (const language of Object.keys(nls)) {
        expect(localized(step.title, language), `${step.id} title (${language})`).toBeTruthy();
        const description = localized(step.description, language) ?? '';
        const links = [...description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
        expect(links.length, `${step.id} has buttons (${language})`).toBeGreaterThan(0);
        for (const [, command, query] of links) {
          expect(declared, `${step.id} links ${command}`).toContain(command);
          if (query) {
            const [snippet] = JSON.parse(decodeURIComponent(query)) as string[];
            expect(existsSync(join(root, 'walkthroughs', snippet)), snippet).toBe(true);
          }
        }
      }
      // Pictures in the step's text (gather vs as_completed, shield, TaskGroup abort), in both languages.
      for (const page of [step.media.markdown, russian]) {
        for (const [, image] of readFileSync(join(root, page), 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)) {
          expect(existsSync(join(root, page, '..', image)), `${page} shows ${image}`).toBe(true);
        }
      }
      // Each step completes on its own: when its snippet was run or debugged (see snippets.ts).
      const run = /command:asyncioLens\.runSnippet\?([^)]*)\)/.exec(localized(step.description, 'en') ?? '');
      expect(run, `${step.id} has a Run button`).not.toBeNull();
      const [snippet] = JSON.parse(decodeURIComponent(run![1])) as string[];
      expect(step.completionEvents).toEqual([`onContext:${triedContextKey(snippet)}`]);
    }
  });

  it('package.nls.ru.json translates every key of package.nls.json, and every %key% in package.json exists', () => {
    expect(Object.keys(nls.ru).sort()).toEqual(Object.keys(nls.en).sort());
    const keys = JSON.stringify(manifest).match(/"%[^"%]+%"/g) ?? [];
    for (const key of keys) expect(nls.en, key).toHaveProperty([key.slice(2, -2)]);
  });

  it('every text a user reads in contributes is localised (a %key%), the product name aside', () => {
    const plain: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          const text = /^(title|label|description|markdownDescription|enumDescriptions|markdownEnumDescriptions)$/.test(k);
          const strings = typeof v === 'string' ? [v] : text && Array.isArray(v) ? v : [];
          if (text && strings.some((s) => typeof s === 'string' && !/^%[^%]+%$/.test(s) && s !== 'Asyncio Lens')) plain.push(`${path}.${k}`);
          else walk(v, `${path}.${k}`);
        }
      }
    };
    walk(manifest.contributes, 'contributes');
    expect(plain).toEqual([]);
  });
});

describe('settings', () => {
  it('defaults in package.json match DEFAULT_CONFIG', () => {
    for (const key of CONFIG_KEYS) {
      const declared = (manifest.contributes.configuration.properties as Record<string, { default: unknown }>)[`${SETTINGS_SECTION}.${key}`];
      expect(declared.default, key).toEqual(DEFAULT_CONFIG[key]);
    }
  });
});
