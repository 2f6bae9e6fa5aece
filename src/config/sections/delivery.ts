/**
 * Config section `delivery`: keys, defaults and documentation in one zod schema (STYLE.md §7).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 *
 * Timeouts follow RFC 5321 §4.5.3.2 (greeting 5 min, MAIL 5 min, RCPT 5 min, DATA 2 min,
 * data block 3 min, end of data 10 min); they are seconds here and short in tests.
 */
import { z } from 'zod';

const hostPort = z
  .string()
  .regex(/^(\[[^\]]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, 'expected "host" or "host:port" (IPv6 as "[::1]:25")');

export const tlsModeSchema = z.enum(['opportunistic', 'required']);

export const deliverySchema = z
  .object({
    /** STARTTLS to remote MX hosts: used when offered ("opportunistic"), or demanded ("required": defer without it). */
    tls: tlsModeSchema.default('opportunistic'),
    /** Port of remote MX hosts. 25 on the internet; tests point it at loopback high ports. */
    smtp_port: z.number().int().min(1).max(65535).default(25),
    /** Transport map (like Postfix's): recipient domain → "host:port"; overrides MX lookup and smarthost. */
    routes: z.record(z.string(), hostPort).default({}),
    /** Send all remote mail through one relay host, optionally with AUTH (PLAIN/LOGIN, only over TLS). */
    smarthost: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        username: z.string().optional(),
        password: z.string().optional(),
        tls: tlsModeSchema.default('required'),
      })
      .optional(),
    /** Seconds to wait for each step (RFC 5321 §4.5.3.2 minimums by default). */
    timeouts: z
      .object({
        connect: z.number().positive().default(30),
        greeting: z.number().positive().default(300),
        command: z.number().positive().default(300),
        data_start: z.number().positive().default(120),
        data_block: z.number().positive().default(180),
        end_of_data: z.number().positive().default(600),
      })
      .prefault({}),
    /** Seconds an idle connection to a remote host is kept for the next message to the same host (0 = never). */
    connection_reuse_idle: z.number().min(0).default(5),
    /** Messages sent over one connection before it is closed. */
    max_messages_per_connection: z.number().int().min(1).default(100),
    local: z
      .object({
        /** Over quota: defer (4.2.2) until the queue lifetime runs out, or fail at once (5.2.2). */
        over_quota: z.enum(['defer', 'fail']).default('defer'),
      })
      .prefault({}),
  })
  .prefault({});

export type DeliveryConfig = z.infer<typeof deliverySchema>;
