/** The argument of VS Code's `workbench.action.openWalkthrough` for our course, at a step or not. Pure. */

export type WalkthroughTarget = string | { category: string; step: string };

/**
 * `'<extension id>#<walkthrough id>'`, or `{ category, step }` for a step id: VS Code then selects the step
 * `${category}#${step}` (see openWalkthrough in its gettingStarted.contribution.ts). Anything else given as the
 * step (a menu passes a URI) opens the walkthrough at its start.
 */
export function walkthroughTarget(extensionId: string, walkthroughId: string, step?: unknown): WalkthroughTarget {
  const category = `${extensionId}#${walkthroughId}`;
  return typeof step === 'string' && /^\w+$/.test(step) ? { category, step } : category;
}
