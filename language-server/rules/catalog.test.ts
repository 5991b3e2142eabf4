import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '.';
import { RULE_CODES, RULES } from './catalog';

const root = join(__dirname, '..', '..');

describe('rule catalog', () => {
  it('every code has exactly one rule that reports it', () => {
    expect(ALL_RULES.flatMap((rule) => rule.codes).sort()).toEqual([...RULE_CODES].sort());
  });

  it('package.json offers a severity setting for every code', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['asyncioLens.lint.rules'];
    expect(Object.keys(setting.properties).sort()).toEqual([...RULE_CODES].sort());
  });

  it('the README documents every code under its name', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const code of RULE_CODES) expect(readme, code).toContain(`### ${code} \`${RULES[code].name}\``);
  });
});
