/**
 * Config section `auth`: how failed AUTH attempts are throttled (src/auth/login-limiter.ts).
 * Failures are counted per client IP and per username within `window`; each failure is answered
 * after a delay that starts at `base_delay_ms` and doubles up to `max_delay_ms`; past the limit
 * the IP or the username is locked out for `lockout` (`421 4.7.0 too many failed login attempts`).
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== null, { message: 'expected a duration like "5m", "4h", "5d"' });

export const authSchema = z
  .object({
    /** Failed logins from one client IP within `window` before that IP is locked out. */
    max_failures_per_ip: z.number().int().min(1).default(10),
    /** Failed logins for one username, from anywhere, within `window` before it is locked out. */
    max_failures_per_user: z.number().int().min(1).default(10),
    /** Period over which failures are counted. */
    window: duration.default('15m'),
    /** How long a locked IP or username is refused, even with the right password. */
    lockout: duration.default('15m'),
    /** Delay before answering the first failure; it doubles with each further failure. */
    base_delay_ms: z.number().int().min(0).max(60_000).default(500),
    /** The longest delay before answering a failure. */
    max_delay_ms: z.number().int().min(0).max(60_000).default(8000),
  })
  .prefault({});

export type AuthConfig = z.output<typeof authSchema>;
