// The rule list, in code order.
import { blockingCallRule } from './blockingCall';
import { busyWaitRule } from './busyWait';
import { danglingTaskRule } from './danglingTask';
import { getEventLoopRule, nestedEventLoopRule } from './loopMisuse';
import type { Rule } from './rule';
import { swallowedCancellationRule } from './swallowedCancellation';
import { syncLockAcrossAwaitRule } from './syncLockAcrossAwait';
import { taskGroupAfterExitRule } from './taskGroupAfterExit';
import { timeoutWithoutAwaitRule } from './timeoutWithoutAwait';
import { unawaitedCoroutineRule } from './unawaitedCoroutine';
import { waitBareCoroutinesRule } from './waitBareCoroutines';

export const ALL_RULES: readonly Rule[] = [
  danglingTaskRule,
  unawaitedCoroutineRule,
  blockingCallRule,
  swallowedCancellationRule,
  busyWaitRule,
  timeoutWithoutAwaitRule,
  getEventLoopRule,
  nestedEventLoopRule,
  waitBareCoroutinesRule,
  taskGroupAfterExitRule,
  syncLockAcrossAwaitRule,
];
