import { describe, expect, it } from 'vitest';
import { RefreshPacer, VSCODE_TREE_DEBOUNCE_MS } from './refreshPacer';

describe('RefreshPacer', () => {
  it('fires the first change at once', () => {
    const pacer = new RefreshPacer();
    expect(pacer.delay(5_000, true, 100)).toBe(0);
    expect(pacer.delay(5_000, false, 100)).toBe(0);
  });

  it('keeps shape changes outside VS Code’s debounce window', () => {
    const pacer = new RefreshPacer();
    pacer.fired(1_000);
    const wait = pacer.delay(1_050, true, 100);
    expect(1_050 + wait - 1_000).toBeGreaterThan(VSCODE_TREE_DEBOUNCE_MS);
    expect(pacer.delay(1_000 + pacer.shapeGapMs, true, 100)).toBe(0);
  });

  it('holds text-only changes longer than shape changes', () => {
    const pacer = new RefreshPacer(220, 1000);
    pacer.fired(0);
    expect(pacer.delay(300, true, 100)).toBe(0);
    expect(pacer.delay(300, false, 100)).toBe(700);
  });

  it('honours a user interval longer than either gap', () => {
    const pacer = new RefreshPacer(220, 1000);
    pacer.fired(0);
    expect(pacer.delay(0, true, 2000)).toBe(2000);
    expect(pacer.delay(0, false, 2000)).toBe(2000);
  });
});
