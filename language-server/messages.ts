// User-facing text. English strings are the keys; l10n/bundle.l10n.ru.json holds the Russian ones.
import * as l10n from '@vscode/l10n';
import russian from './l10n/bundle.l10n.ru.json';

const BUNDLES: Record<string, l10n.l10nJsonFormat> = { ru: russian };
let language = 'en';

/** Switches every later message to the client's UI language (English when there is no bundle for it). */
export function useLocale(locale: string | undefined): void {
  language = (locale ?? 'en').toLowerCase().split(/[-_]/)[0];
  l10n.config({ contents: BUNDLES[language] ?? {} });
}

export const t = l10n.t;

/** The client's UI language as a bare code ('en', 'ru'), for text that comes from elsewhere than t(). */
export function currentLanguage(): string {
  return language;
}
