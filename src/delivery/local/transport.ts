/**
 * The local transport: each recipient of a job for our domains goes into its user's Maildir.
 * Recipients arrive already alias-expanded (aliases.ts runs at intake); one that is not a
 * user (a stale alias target, a user removed since intake) fails with 5.1.1, or with 5.4.6
 * when it is an alias that loops.
 * A disk error defers (4.3.0) and is logged: the queue retries, and the idempotent Maildir
 * write makes the retry safe.
 * Security: see maildir.ts (writes only under <dataDir>/mail).
 */
import { join } from 'node:path';
import type { DeliveryOutcome } from '../../core/delivery-outcome.js';
import { reply } from '../../core/reply.js';
import type { DirectoryStore } from '../../store/ports/directory.js';
import type { DeliveryLog } from '../smtp/transport.js';
import type { DeliveryJob, Transport } from '../transport.js';
import { expandRecipient } from './aliases.js';
import { deliverToMaildir } from './maildir.js';

export interface LocalTransportDeps {
  dataDir: string;
  directory: DirectoryStore;
  /** Host part of Maildir file names. */
  hostname: string;
  /** config.delivery.local.over_quota */
  overQuota?: 'defer' | 'fail';
  log?: DeliveryLog;
}

export function createLocalTransport(deps: LocalTransportDeps): Transport {
  const root = join(deps.dataDir, 'mail');
  return {
    async deliver(job: DeliveryJob): Promise<DeliveryOutcome[]> {
      const outcomes: DeliveryOutcome[] = [];
      for (const r of job.rcpts) {
        const address = r.address.toLowerCase();
        const user = await deps.directory.findUser(address);
        if (!user) {
          // Queued as given because expansion failed at intake: say whether it was an alias loop.
          const e = await expandRecipient(address, deps.directory);
          const r =
            'error' in e && e.error === 'loop'
              ? reply(554, '5.4.6', `${address}: alias expansion loop`)
              : reply(550, '5.1.1', `${address}: no such user here`);
          outcomes.push({ rcpt: address, status: 'failed', reply: r, stage: 'local' });
          continue;
        }
        try {
          outcomes.push(
            await deliverToMaildir({
              root,
              address,
              queueId: job.queueId,
              bodyPath: job.bodyPath,
              returnPath: job.from,
              quotaBytes: user.quotaBytes,
              overQuota: deps.overQuota ?? 'defer',
              hostname: deps.hostname,
            }),
          );
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          deps.log?.warn({ queueId: job.queueId, rcpt: address, err: String(err) }, 'maildir delivery failed');
          outcomes.push({
            rcpt: address,
            status: 'deferred',
            reply: reply(451, '4.3.0', `${address}: local delivery failed (${code}), will retry`),
            stage: 'local',
          });
        }
      }
      return outcomes;
    },
    async close(): Promise<void> {},
  };
}
