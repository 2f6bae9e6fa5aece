/**
 * Config section `bounce`: delivery status notices (RFC 3464). Keys, defaults and
 * documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

/** `90s`, `30m`, `4h`, `5d` (or a bare number of seconds). */
const DURATION = /^(\d+)\s*([smhd]?)$/;

export const bounceSchema = z
  .object({
    /** Originals larger than this (bytes) are returned as headers only (`text/rfc822-headers`), like Postfix. */
    max_original_size: z.number().int().nonnegative().default(50_000),
    /** Send one delay warning when a recipient has been deferred this long (`4h`); `0` turns warnings off. */
    delay_warning_after: z.string().regex(DURATION, 'a duration like "4h", "30m" or "2d"').default('4h'),
    /** Where notices that cannot be delivered go, once; default `postmaster@<domain of hostname>`. */
    postmaster: z.string().email().optional(),
    /**
     * Local addresses that receive bounces of our users' mail besides the null sender (a
     * Return-Path such as `bounces@example.com`): bounces delivered to them feed the
     * suppression list. Matched whole, case-insensitively.
     */
    addresses: z.array(z.string().email()).default([]),
  })
  .prefault({});

export type BounceConfig = z.infer<typeof bounceSchema>;

/** Converts a duration string of this section to milliseconds. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit * 1000;
}
