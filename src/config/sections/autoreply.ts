/**
 * Config section `autoreply`: vacation replies (RFC 3834, RFC 5230). Keys, defaults and
 * documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

export const autoreplySchema = z
  .object({
    /**
     * Envelope sender of vacation replies: `null` (`<>`, RFC 3834 §3.3, the default) or `user`
     * (the user's own address, for remotes that refuse the null sender).
     */
    envelope_sender: z.enum(['null', 'user']).default('null'),
    /** Days between two replies to the same sender when the user did not set an interval (RFC 5230 §4.1). */
    default_interval_days: z.number().int().min(1).max(365).default(7),
    /** Put before the original subject when the user did not set one (RFC 3834 §3.1.5). */
    subject_prefix: z.string().max(40).default('Auto:'),
  })
  .prefault({});

export type AutoreplyConfig = z.infer<typeof autoreplySchema>;
