/**
 * Once-per-period memory: a sender gets at most one vacation reply from a user per interval.
 *
 * RFC 3834 §2 ("SHOULD NOT issue the same response to the same sender more than once within
 * a period"), RFC 5230 §4.1 (`:days`, minimum 1). The memory lives in the VacationStore, so
 * it survives restarts.
 */
import type { Clock } from '../core/clock.js';
import type { VacationStore } from '../store/ports/vacation.js';

const DAY_MS = 86_400_000;

export interface ReplyMemory {
  /** True when `user` has not replied to `sender` within `intervalDays` (at least 1). */
  isDue(user: string, sender: string, intervalDays: number): Promise<boolean>;
  /** Records a reply made now. */
  remember(user: string, sender: string): Promise<void>;
}

export function createReplyMemory(
  store: Pick<VacationStore, 'lastReplied' | 'recordReply'>,
  clock: Clock,
): ReplyMemory {
  return {
    async isDue(user, sender, intervalDays) {
      const last = await store.lastReplied(user.toLowerCase(), sender.toLowerCase());
      if (last === null) return true;
      const days = Math.max(1, Math.floor(intervalDays));
      return clock.now() - last >= days * DAY_MS;
    },
    async remember(user, sender) {
      await store.recordReply(user.toLowerCase(), sender.toLowerCase(), clock.now());
    },
  };
}
