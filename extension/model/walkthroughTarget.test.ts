import { describe, expect, it } from 'vitest';
import { walkthroughTarget } from './walkthroughTarget';

describe('walkthroughTarget', () => {
  it('names the walkthrough, and the step when given a step id', () => {
    expect(walkthroughTarget('pub.ext', 'asyncioLens.course')).toBe('pub.ext#asyncioLens.course');
    expect(walkthroughTarget('pub.ext', 'asyncioLens.course', 'waitFor')).toEqual({ category: 'pub.ext#asyncioLens.course', step: 'waitFor' });
  });

  it('ignores arguments that are not step ids', () => {
    expect(walkthroughTarget('pub.ext', 'w', { scheme: 'file' })).toBe('pub.ext#w');
    expect(walkthroughTarget('pub.ext', 'w', 'a#b')).toBe('pub.ext#w');
    expect(walkthroughTarget('pub.ext', 'w', '')).toBe('pub.ext#w');
  });
});
