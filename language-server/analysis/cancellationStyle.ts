// Files whose cancellation follows trio's or anyio's cancel scopes: there a scope cancels again at every
// checkpoint until it is left, so asyncio's "re-raise CancelledError" rules do not describe them.
import type { SourceFile } from './sourceFile';

/** anyio names that open or use cancel scopes (importing `anyio` for `anyio.sleep` alone does not count). */
const ANYIO_SCOPES = ['CancelScope', 'move_on_after', 'fail_after', 'create_task_group', 'get_cancelled_exc_class'];

export function followsCancelScopes(file: SourceFile): boolean {
  for (const qualified of file.imports.values()) {
    if (qualified === 'trio' || qualified.startsWith('trio.')) return true;
    if (qualified.startsWith('anyio.') && ANYIO_SCOPES.includes(qualified.slice(qualified.lastIndexOf('.') + 1))) return true;
  }
  // `anyio.move_on_after(...)` through `import anyio`, or a package's own `_core.CancelScope` (trio itself).
  return /\bCancelScope\b|\banyio\.(move_on_after|fail_after|create_task_group)\b/.test(file.text);
}
