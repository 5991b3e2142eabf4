// Every rule code, the codes other linters use for the same mistake (accepted in `# noqa`), and its defaults.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RuleInfo {
  /** Short kebab-case name, also the README anchor. */
  name: string;
  /** Ruff / flake8-async codes for the same check: `# noqa: RUF006` silences ALENS001 too. */
  aliases: readonly string[];
  severity: Severity;
}

export const RULES = {
  ALENS001: { name: 'dangling-task', aliases: ['RUF006', 'ASYNC300'], severity: 'warning' },
  ALENS002: { name: 'unawaited-coroutine', aliases: [], severity: 'warning' },
  ALENS003: { name: 'blocking-sleep', aliases: ['ASYNC251'], severity: 'warning' },
  ALENS004: { name: 'blocking-http', aliases: ['ASYNC210', 'ASYNC212'], severity: 'warning' },
  ALENS005: { name: 'blocking-subprocess', aliases: ['ASYNC220', 'ASYNC221', 'ASYNC222'], severity: 'warning' },
  ALENS006: { name: 'blocking-open', aliases: ['ASYNC230'], severity: 'information' },
  ALENS007: { name: 'blocking-input', aliases: ['ASYNC250'], severity: 'warning' },
  ALENS008: { name: 'swallowed-cancellation', aliases: ['ASYNC103', 'ASYNC104'], severity: 'warning' },
  ALENS009: { name: 'busy-wait', aliases: ['ASYNC110'], severity: 'information' },
  ALENS010: { name: 'timeout-without-await', aliases: ['ASYNC100'], severity: 'warning' },
  ALENS011: { name: 'get-event-loop-in-coroutine', aliases: [], severity: 'information' },
  ALENS012: { name: 'nested-event-loop', aliases: [], severity: 'error' },
  ALENS013: { name: 'wait-bare-coroutines', aliases: [], severity: 'error' },
  ALENS014: { name: 'taskgroup-after-exit', aliases: [], severity: 'error' },
  ALENS015: { name: 'thread-lock-across-await', aliases: [], severity: 'warning' },
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

export const RULE_CODES = Object.keys(RULES) as RuleCode[];

export function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, code);
}
