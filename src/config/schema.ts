/**
 * The whole configuration as one zod schema: defaults, types and (with docs/config.md)
 * documentation at once (STYLE.md §7). Top-level keys live here; each section comes from its
 * own file under sections/, owned by the module that reads it.
 * Security: this validates an administrator's file; trusted networks are parsed strictly
 * (store/cidr.ts), since a loose CIDR would widen who may relay.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { checkCidr } from '../store/cidr.js';
import { authSchema } from './sections/auth.js';
import { autoreplySchema } from './sections/autoreply.js';
import { bounceSchema } from './sections/bounce.js';
import { deliverySchema } from './sections/delivery.js';
import { listenersSchema, smtpSchema } from './sections/listeners.js';
import { mailauthSchema } from './sections/mailauth.js';
import { policySchema } from './sections/policy.js';
import { queueSchema } from './sections/queue.js';

/** A CIDR (`127.0.0.1/32`, `::1/128`) or a bare address; canonicalised. */
export const cidrSchema = z.string().transform((text, ctx) => {
  const c = checkCidr(text);
  if (c.ok) return c.value;
  ctx.addIssue({ code: 'custom', message: c.error, input: text });
  return z.NEVER;
});

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const configSchema = z.object({
  /** Name this server uses for itself: greeting, HELO to others, Received headers, bounces. */
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'expected a host name such as mail.example.com')
    .default(() => hostname()),
  /** Where the database, spool, mailboxes and the self-signed certificate live. Relative to the working directory. */
  data_dir: z.string().min(1).default('./data'),
  /** Clients in these networks may relay without AUTH. Entries from `mailward trusted add` are added to them. */
  trusted_networks: z.array(cidrSchema).default(['127.0.0.1/32', '::1/128']),
  log: z
    .object({
      /** pino level. */
      level: z.enum(LOG_LEVELS).default('info'),
    })
    .prefault({}),
  dns: z
    .object({
      /** Name servers (`ip` or `ip:port`); empty = the system's. */
      servers: z.array(z.string().regex(/^[0-9a-fA-F:.[\]]+$/, 'expected an IP address or IP:port')).default([]),
      timeout_ms: z.number().int().min(100).max(60_000).default(5000),
    })
    .prefault({}),
  listeners: listenersSchema,
  smtp: smtpSchema,
  auth: authSchema,
  policy: policySchema,
  queue: queueSchema,
  delivery: deliverySchema,
  bounce: bounceSchema,
  autoreply: autoreplySchema,
  mailauth: mailauthSchema,
});

export type Config = z.output<typeof configSchema>;
/** What the TOML file may hold (every key optional where it has a default). */
export type ConfigInput = z.input<typeof configSchema>;
