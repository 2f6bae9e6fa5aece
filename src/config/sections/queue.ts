/**
 * Config section `queue`: keys, defaults and documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 * Durations are written as "5m", "4h", "5d" (src/core/duration.ts).
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== null, { message: 'expected a duration like "5m", "4h", "5d"' });

export const queueSchema = z
  .object({
    /** Wait before each retry of a deferred recipient; the last step repeats until `lifetime`. */
    retry_schedule: z.array(duration).min(1).default(['5m', '10m', '30m', '1h', '2h', '4h']),
    /** How long a message may stay queued; a recipient still deferred after this fails (4.4.7). */
    lifetime: duration.default('5d'),
    /** Concurrent deliveries in total. */
    max_connections: z.number().int().min(1).default(100),
    /** Concurrent deliveries to one destination (one remote domain, or all local domains together). */
    max_per_domain: z.number().int().min(1).default(20),
    /** How often the runner looks for due mail, also mail queued by another process (`mailward sendmail`). */
    poll_interval: duration.default('2s'),
    /**
     * Extra wait before a group commit so more messages share one fsync. 0 = commit at once and
     * batch only what arrived while the previous commit was syncing (usually best).
     */
    group_commit_max_delay_ms: z.number().int().min(0).max(100).default(0),
    /** How long a claim on a recipient holds before another process may take it over (crash of that process). */
    claim_lease: duration.default('1h'),
    /**
     * Recipient domains whose mail is queued but not delivered until `mailward queue flush` (or
     * `queue retry ID`), like Postfix's defer_transports and Exim's queue_domains: for a site
     * that collects its mail at times, or a destination under maintenance. Held mail still
     * expires after `lifetime`, with one last attempt then.
     */
    defer_domains: z
      .array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a domain name such as "example.com"'))
      .default([]),
  })
  .prefault({});

export type QueueConfig = z.infer<typeof queueSchema>;
