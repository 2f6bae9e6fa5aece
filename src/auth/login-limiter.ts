/**
 * Login throttling: failed AUTH attempts are counted per client IP and per username;
 * each failure is answered after a growing delay, and past a limit the IP or the username
 * is locked out for a period (`421 4.7.0 too many failed login attempts`).
 *
 * Security: the counters key on data the attacker controls (username) and on the peer
 * address; both maps are bounded so a flood of distinct names cannot exhaust memory.
 * A success clears the counter of that username, never the IP's: one valid account must
 * not let a client reset its budget for guessing others.
 */

import type { AuthConfig } from '../config/sections/auth.js';
import type { Clock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';

export interface LoginLimiterOptions {
  /** Failures from one IP within the window before it is locked out. */
  readonly maxFailuresPerIp: number;
  /** Failures for one username (from anywhere) within the window before it is locked out. */
  readonly maxFailuresPerUser: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  /** Delay before answering the first failure; doubles per failure up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Entries kept per map; the oldest are dropped past it. */
  readonly maxEntries: number;
}

export const defaultLoginLimiterOptions: LoginLimiterOptions = Object.freeze({
  maxFailuresPerIp: 10,
  maxFailuresPerUser: 10,
  windowMs: 15 * 60_000,
  lockoutMs: 15 * 60_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxEntries: 100_000,
});

/** The limiter's options from config section `auth` (durations already validated there). */
export function loginLimiterOptions(c: AuthConfig): LoginLimiterOptions {
  return Object.freeze({
    ...defaultLoginLimiterOptions,
    maxFailuresPerIp: c.max_failures_per_ip,
    maxFailuresPerUser: c.max_failures_per_user,
    windowMs: parseDuration(c.window) ?? defaultLoginLimiterOptions.windowMs,
    lockoutMs: parseDuration(c.lockout) ?? defaultLoginLimiterOptions.lockoutMs,
    baseDelayMs: c.base_delay_ms,
    maxDelayMs: Math.max(c.base_delay_ms, c.max_delay_ms),
  });
}

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly byIp = new Map<string, Counter>();
  private readonly byUser = new Map<string, Counter>();

  constructor(
    private readonly clock: Clock,
    private readonly opts: LoginLimiterOptions = defaultLoginLimiterOptions,
  ) {}

  /** true when this IP, or this username, may not try now. */
  isLocked(ip: string, username?: string): boolean {
    const now = this.clock.now();
    if (this.current(this.byIp, ip, now).lockedUntil > now) return true;
    return username !== undefined && this.current(this.byUser, userKey(username), now).lockedUntil > now;
  }

  /** Records a failure; returns how long to wait before answering it. */
  recordFailure(ip: string, username: string): number {
    const now = this.clock.now();
    const ipc = this.bump(this.byIp, ip, now, this.opts.maxFailuresPerIp);
    this.bump(this.byUser, userKey(username), now, this.opts.maxFailuresPerUser);
    return Math.min(this.opts.baseDelayMs * 2 ** Math.min(ipc.failures - 1, 20), this.opts.maxDelayMs);
  }

  recordSuccess(username: string): void {
    this.byUser.delete(userKey(username));
  }

  private current(map: Map<string, Counter>, key: string, now: number): Counter {
    const c = map.get(key);
    if (!c) return { failures: 0, firstAt: now, lockedUntil: 0 };
    if (c.lockedUntil <= now && now - c.firstAt > this.opts.windowMs) {
      map.delete(key);
      return { failures: 0, firstAt: now, lockedUntil: 0 };
    }
    return c;
  }

  private bump(map: Map<string, Counter>, key: string, now: number, max: number): Counter {
    const c = this.current(map, key, now);
    c.failures++;
    if (c.failures >= max) c.lockedUntil = now + this.opts.lockoutMs;
    map.delete(key); // re-insert: Map order is then least-recently-failed first
    map.set(key, c);
    if (map.size > this.opts.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    return c;
  }
}

const userKey = (u: string): string => u.toLowerCase();
