/**
 * Config section `mailauth`: SPF, DKIM and DMARC checks on inbound mail (RFC 7208, RFC 6376,
 * RFC 7489, RFC 8601) and DKIM signing of outbound mail. Keys, defaults and documentation in
 * one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

export const mailauthSchema = z
  .object({
    /**
     * Check SPF, DKIM and DMARC on mail that arrives on the mx listener from clients that are
     * neither authenticated nor in trusted_networks.
     */
    verify_inbound: z.boolean().default(true),
    /**
     * Refuse a message with `550 5.7.1` when it fails DMARC and its From domain publishes
     * `p=reject`. When false, such a message is only marked, as for `p=quarantine`.
     */
    dmarc_enforce: z.boolean().default(true),
    /**
     * Prepend `Authentication-Results:` with this server's hostname as authserv-id. A header
     * that claims our hostname in mail from outside is removed either way (RFC 8601 §5).
     */
    add_authentication_results: z.boolean().default(true),
    /**
     * Sign outgoing mail (also bounces and vacation replies) with DKIM when a key for the
     * domain exists under `<data_dir>/dkim/` (see `mailward dkim generate`).
     */
    dkim_sign: z.boolean().default(true),
    /** Selector for new keys and preferred when a domain has several (`<selector>._domainkey.<domain>`). */
    dkim_selector: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'expected one DNS label, such as mailward or 2026a')
      .default('mailward'),
  })
  .prefault({});

export type MailauthConfig = z.infer<typeof mailauthSchema>;
