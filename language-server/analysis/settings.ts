// The `asyncioLens.lint.*` settings as the server sees them, with defaults for anything missing or malformed.
import { isRuleCode, RULES, type RuleCode, type Severity } from '../rules/catalog';

export type RuleSetting = Severity | 'off';

export interface LintSettings {
  enabled: boolean;
  /** Per-rule override: a severity, or "off". Keys are ALENS codes or rule names. */
  rules: Partial<Record<RuleCode, RuleSetting>>;
  codeLens: boolean;
  /** Folders searched for imported modules besides the workspace and its virtual environments (site-packages…). */
  extraPaths: string[];
}

export const DEFAULT_LINT_SETTINGS: LintSettings = { enabled: true, rules: {}, codeLens: true, extraPaths: [] };

const RULE_SETTINGS = new Set<string>(['error', 'warning', 'information', 'hint', 'off']);

/** Reads the `asyncioLens.lint` section (untrusted JSON from the client) into LintSettings. */
export function lintSettingsFrom(section: unknown): LintSettings {
  const raw = (section && typeof section === 'object' ? section : {}) as Record<string, unknown>;
  const rules: LintSettings['rules'] = {};
  if (raw.rules && typeof raw.rules === 'object') {
    for (const [key, value] of Object.entries(raw.rules as Record<string, unknown>)) {
      const code = isRuleCode(key) ? key : (Object.keys(RULES) as RuleCode[]).find((c) => RULES[c].name === key);
      if (code && typeof value === 'string' && RULE_SETTINGS.has(value)) rules[code] = value as RuleSetting;
    }
  }
  return {
    enabled: typeof raw.enabled === 'boolean' ? raw.enabled : DEFAULT_LINT_SETTINGS.enabled,
    rules,
    codeLens: typeof raw.codeLens === 'boolean' ? raw.codeLens : DEFAULT_LINT_SETTINGS.codeLens,
    extraPaths: Array.isArray(raw.extraPaths) ? raw.extraPaths.filter((path): path is string => typeof path === 'string' && path.length > 0) : [],
  };
}

export function severityOf(code: RuleCode, settings: LintSettings): RuleSetting {
  return settings.rules[code] ?? RULES[code].severity;
}
