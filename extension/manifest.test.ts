import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../package.json';
import { CONFIG_KEYS, DEFAULT_CONFIG } from './config';
import { Commands, DEBUG_TYPE, SETTINGS_SECTION, Views, WALKTHROUGH_ID } from './ids';

const root = join(__dirname, '..');

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
      const links = [...step.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
      expect(links.length, `${step.id} has buttons`).toBeGreaterThan(0);
      for (const [, command, query] of links) {
        expect(declared, `${step.id} links ${command}`).toContain(command);
        if (query) {
          const [snippet] = JSON.parse(decodeURIComponent(query)) as string[];
          expect(existsSync(join(root, 'walkthroughs', snippet)), snippet).toBe(true);
        }
      }
      for (const event of step.completionEvents) {
        expect(declared).toContain(event.replace(/^onCommand:/, ''));
      }
    }
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
