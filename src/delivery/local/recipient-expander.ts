/**
 * The intake's `expandRecipients` hook (src/queue/intake.ts): recipients in our domains are
 * replaced by their alias expansion (aliases.ts), so the queue holds final recipients, each
 * remembering the address the client gave (`original`, for DSN Original-Recipient, RFC 3464
 * §2.3.1) and keeping its NOTIFY and ORCPT (RFC 3461 §4: parameters follow the recipient
 * through expansion). Recipients elsewhere pass through unchanged, their case kept.
 * An address that cannot be expanded (unknown, or an alias loop) is queued as given: delivery
 * then fails it with a clear reply (5.1.1, or 5.4.6 for the loop) and the sender hears of it.
 */
import { type Address, addressKey, formatAddress } from '../../core/address.js';
import type { Recipient } from '../../core/envelope.js';
import type { DirectoryStore } from '../../store/ports/directory.js';
import type { QueuedRecipientInput } from '../../store/ports/queue.js';
import { expandRecipient } from './aliases.js';

export type RecipientExpander = (rcpts: readonly Recipient[], from: Address) => Promise<QueuedRecipientInput[]>;

export function createRecipientExpander(deps: { directory: DirectoryStore }): RecipientExpander {
  return async (rcpts) => {
    const out: QueuedRecipientInput[] = [];
    for (const r of rcpts) {
      const given = formatAddress(r.address);
      const params = { ...(r.orcpt ? { orcpt: r.orcpt } : {}), ...(r.notify ? { notify: r.notify } : {}) };
      if (!(await deps.directory.hasDomain(r.address.domain))) {
        out.push({ address: given, ...params });
        continue;
      }
      const key = addressKey(r.address);
      const e = await expandRecipient(key, deps.directory);
      if ('error' in e) {
        out.push({ address: given, ...params });
        continue;
      }
      for (const target of e.targets) {
        out.push({ address: target, ...(target === key ? {} : { original: given }), ...params });
      }
    }
    return out;
  };
}
