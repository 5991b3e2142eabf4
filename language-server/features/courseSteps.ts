// The course steps a hover can open (package.json `contributes.walkthroughs`), their titles, and the link that opens one.
import { Commands } from '../../extension/ids';
import englishManifest from '../../package.nls.json';
import russianManifest from '../../package.nls.ru.json';
import { currentLanguage } from '../messages';

/** Step ids of the `asyncioLens.course` walkthrough that hovers link to (course.test.ts checks package.json has them). */
export type CourseStep =
  | 'coroutines'
  | 'tasks'
  | 'cancellation'
  | 'taskgroup'
  | 'sleep'
  | 'gather'
  | 'asCompleted'
  | 'eagerTasks'
  | 'shield'
  | 'waitFor'
  | 'timeout'
  | 'wait'
  | 'lock'
  | 'eventCondition'
  | 'queue'
  | 'threads'
  | 'threadsafe'
  | 'introspection';

const MANIFEST_STRINGS: Record<string, Record<string, string>> = { en: englishManifest, ru: russianManifest };

/** The step's title as the Welcome page shows it: package.nls*.json is the one source of those titles. */
export function courseStepTitle(step: CourseStep): string {
  const key = courseStepTitleKey(step);
  return MANIFEST_STRINGS[currentLanguage()]?.[key] ?? englishManifest[key as keyof typeof englishManifest] ?? step;
}

export function courseStepTitleKey(step: CourseStep): string {
  return `walkthrough.course.${step}.title`;
}

/** A `command:` link running asyncioLens.openWalkthrough with the step id as its one argument. */
export function openCourseStepLink(step: CourseStep): string {
  return `command:${Commands.openWalkthrough}?${encodeURIComponent(JSON.stringify([step]))}`;
}
