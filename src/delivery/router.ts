/**
 * Router: sends a job to the local transport (our domains) or the remote one (everything
 * else). A job has one destination, so the first recipient decides; the queue groups by
 * `destinationOf` so that this holds.
 */
import { domainOf } from '../core/address.js';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { DirectoryStore } from '../store/ports/directory.js';
import type { DeliveryJob, Transport } from './transport.js';

export interface RouterDeps {
  /** Our domains: a function returning the set, or the directory (asked per job). */
  localDomains: (() => Promise<Set<string>>) | DirectoryStore;
  local: Transport;
  remote: Transport;
}

/** 'local' for our domains, else the recipient's domain: the queue's grouping key. */
export function destinationOf(address: string, isLocal: (domain: string) => boolean): string {
  const domain = domainOf(address);
  return isLocal(domain) ? 'local' : domain;
}

export function createRouter(deps: RouterDeps): Transport {
  const isLocal = async (domain: string): Promise<boolean> => {
    if (typeof deps.localDomains === 'function') return (await deps.localDomains()).has(domain);
    return deps.localDomains.hasDomain(domain);
  };
  return {
    async deliver(job: DeliveryJob): Promise<DeliveryOutcome[]> {
      const first = job.rcpts[0];
      if (!first) return [];
      const local = await isLocal(domainOf(first.address));
      return (local ? deps.local : deps.remote).deliver(job);
    },
    async close(): Promise<void> {
      await Promise.all([deps.local.close(), deps.remote.close()]);
    },
  };
}
