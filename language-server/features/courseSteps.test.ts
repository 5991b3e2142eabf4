import { afterEach, describe, expect, it } from 'vitest';
import manifest from '../../package.json';
import { WALKTHROUGH_ID } from '../../extension/ids';
import { useLocale } from '../messages';
import { ASYNCIO_DOCS } from './asyncioDocs';
import { courseStepTitle, courseStepTitleKey, openCourseStepLink, type CourseStep } from './courseSteps';

const course = manifest.contributes.walkthroughs.find((w) => w.id === WALKTHROUGH_ID)!;
const linkedSteps = [...new Set(Object.values(ASYNCIO_DOCS).flatMap((doc) => (doc.step ? [doc.step] : [])))];

describe('course steps that hovers link to', () => {
  afterEach(() => useLocale('en'));

  it('exist in package.json, and their titles come from the key package.json uses', () => {
    expect(linkedSteps.length).toBeGreaterThan(10);
    for (const step of linkedSteps) {
      const declared = course.steps.find((s) => s.id === step);
      expect(declared, `step ${step} is not in contributes.walkthroughs`).toBeDefined();
      expect(declared!.title).toBe(`%${courseStepTitleKey(step)}%`);
    }
  });

  it('maps the names the issue lists to the step that teaches them', () => {
    const expected: Record<string, CourseStep> = {
      create_task: 'tasks', TaskGroup: 'taskgroup', shield: 'shield', wait_for: 'waitFor', timeout: 'timeout',
      gather: 'gather', as_completed: 'asCompleted', to_thread: 'threads', run_coroutine_threadsafe: 'threadsafe',
      sleep: 'sleep', Event: 'eventCondition', Lock: 'lock', Queue: 'queue', eager_task_factory: 'eagerTasks',
      current_task: 'introspection', all_tasks: 'introspection',
    };
    for (const [name, step] of Object.entries(expected)) expect(ASYNCIO_DOCS[name]?.step, name).toBe(step);
  });

  it('titles the link in the client language', () => {
    expect(courseStepTitle('waitFor')).toBe('Timeouts: wait_for()');
    useLocale('ru');
    expect(courseStepTitle('waitFor')).toMatch(/[а-яё]/i);
  });

  it('links to asyncioLens.openWalkthrough with the step id as the argument', () => {
    const link = openCourseStepLink('taskgroup');
    expect(link).toBe('command:asyncioLens.openWalkthrough?%5B%22taskgroup%22%5D');
    expect(JSON.parse(decodeURIComponent(link.split('?')[1]))).toEqual(['taskgroup']);
  });
});
