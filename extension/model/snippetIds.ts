/** Course snippet ids (`NN-step/name.py`, a path under walkthroughs/) and what derives from them. Pure. */

/** The comment on the line where "Debug with tasks" stops (launch attribute `stopAtMarker`). */
export const SNIPPET_STOP_MARKER = '# lens: stop here';

const SNIPPET_ID = /^([\w-]+)\/[\w-]+\.py$/;

export function isSnippetId(id: string): boolean {
  return SNIPPET_ID.test(id);
}

/**
 * The context key set once the learner ran or debugged a step's snippet: the step's
 * completion event (`onContext:` key), so each step completes on its own, in either language.
 */
export function triedContextKey(snippetId: string): string {
  const match = SNIPPET_ID.exec(snippetId);
  if (!match) throw new Error(`Unknown snippet "${snippetId}".`);
  return `asyncioLens.tried_${match[1].replace(/\W/g, '_')}`;
}
