/**
 * The retry schedule, kept as data (STYLE.md §9): the wait before each retry of a deferred
 * recipient, the last step repeating until the queue lifetime runs out.
 * Default `5m, 10m, 30m, 1h, 2h, 4h`, then every 4h; lifetime 5 days (RFC 5321 §4.5.4.1
 * asks for at least 30 min between retries and at least 4–5 days before giving up).
 */
import { durationMs } from '../core/duration.js';

export interface RetrySchedule {
  /** Milliseconds to wait after attempt n (1-based) failed; steps[n-1], the last one repeating. */
  readonly steps: readonly number[];
  /** How long after arrival a recipient may still be retried. */
  readonly lifetimeMs: number;
}

export const DEFAULT_RETRY_STEPS = ['5m', '10m', '30m', '1h', '2h', '4h'] as const;

/** Builds a schedule from config durations ("5m", "4h"). */
export function createSchedule(steps: readonly string[] = DEFAULT_RETRY_STEPS, lifetime = '5d'): RetrySchedule {
  if (steps.length === 0) throw new Error('retry schedule needs at least one step');
  return Object.freeze({ steps: Object.freeze(steps.map(durationMs)), lifetimeMs: durationMs(lifetime) });
}

/** Wait after the `attempts`-th failed attempt (attempts ≥ 1). */
export function retryDelay(schedule: RetrySchedule, attempts: number): number {
  const i = Math.min(Math.max(attempts, 1), schedule.steps.length) - 1;
  return schedule.steps[i] as number;
}

/**
 * When to try again after `attempts` failed attempts, never later than `expiresAt` so the last
 * try happens at the end of the lifetime rather than after it.
 */
export function nextAttemptAt(schedule: RetrySchedule, attempts: number, now: number, expiresAt?: number): number {
  const next = now + retryDelay(schedule, attempts);
  return expiresAt === undefined ? next : Math.min(next, Math.max(expiresAt, now));
}
