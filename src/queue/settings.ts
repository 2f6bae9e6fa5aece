/**
 * Turns the `queue` config section into the values createIntake and createRunner take, so
 * the server and the CLI (`mailward sendmail`) read the config the same way.
 */
import type { QueueConfig } from '../config/sections/queue.js';
import { durationMs } from '../core/duration.js';
import { createSchedule, type RetrySchedule } from './schedule.js';

export interface QueueSettings {
  readonly schedule: RetrySchedule;
  readonly lifetimeMs: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly limits: { readonly maxConnections: number; readonly maxPerDomain: number };
  readonly groupCommitDelayMs: number;
  /** True for a recipient domain whose mail waits for a flush (`queue.defer_domains`). */
  readonly isHeld: (domain: string) => boolean;
}

export function queueSettings(cfg: QueueConfig): QueueSettings {
  const schedule = createSchedule(cfg.retry_schedule, cfg.lifetime);
  return {
    schedule,
    lifetimeMs: schedule.lifetimeMs,
    pollIntervalMs: durationMs(cfg.poll_interval),
    leaseMs: durationMs(cfg.claim_lease),
    limits: { maxConnections: cfg.max_connections, maxPerDomain: cfg.max_per_domain },
    groupCommitDelayMs: cfg.group_commit_max_delay_ms,
    isHeld: heldDomains(cfg.defer_domains),
  };
}

/** A lookup for `queue.defer_domains` (case-insensitive; an empty list holds nothing). */
export function heldDomains(domains: readonly string[]): (domain: string) => boolean {
  if (domains.length === 0) return () => false;
  const set = new Set(domains.map((d) => d.toLowerCase().replace(/\.$/, '')));
  return (domain) => set.has(domain.toLowerCase());
}
