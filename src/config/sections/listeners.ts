/**
 * Config sections `[[listeners]]` and `[smtp]`: the SMTP listeners and the limits of the SMTP
 * server, keys, defaults and documentation in one zod schema (STYLE.md §7). The keys are the
 * snake_case twins of SmtpServerOptions in src/smtp/options.ts (config may import only core),
 * so the mapping is one line per key.
 * RFC 5321 §4.5.3.1 (sizes; a command line of at least 512 octets), §4.5.3.2 (timeouts),
 * RFC 4954 §4 (AUTH without TLS), RFC 3207 / RFC 8314 (STARTTLS, implicit TLS).
 * zod 4: nested objects take `.prefault({})` (not `.default({})`) so inner defaults apply.
 */
import { z } from 'zod';

export const listenerSchema = z.object({
  /** mx: mail from the world; submission/submissions: our users' mail (AUTH required by policy). */
  role: z.enum(['mx', 'submission', 'submissions']),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  /** none, starttls (STARTTLS offered), implicit (TLS from the first byte, port 465). */
  tls: z.enum(['none', 'starttls', 'implicit']).default('starttls'),
  /** AUTH PLAIN/LOGIN advertised and accepted. */
  auth_offered: z.boolean().default(false),
  /** Whether AUTH may happen without TLS: never, only from loopback, or always. */
  auth_without_tls: z.enum(['never', 'loopback', 'always']).default('never'),
});

export type ListenerConfig = z.output<typeof listenerSchema>;

export const DEFAULT_LISTENERS: z.input<typeof listenerSchema>[] = [
  { role: 'mx', host: '127.0.0.1', port: 2525, tls: 'starttls', auth_offered: false, auth_without_tls: 'never' },
  { role: 'submission', host: '127.0.0.1', port: 2587, tls: 'starttls', auth_offered: true, auth_without_tls: 'never' },
  {
    role: 'submissions',
    host: '127.0.0.1',
    port: 2465,
    tls: 'implicit',
    auth_offered: true,
    auth_without_tls: 'never',
  },
];

export const listenersSchema = z
  .array(listenerSchema)
  .min(1)
  .default(() => DEFAULT_LISTENERS.map((l) => listenerSchema.parse(l)));

export type ListenersConfig = z.output<typeof listenersSchema>;

export const smtpSchema = z
  .object({
    /** Longest command line, CRLF included (RFC minimum 512; ESMTP parameters need more). */
    max_line_length: z.number().int().min(512).max(65536).default(1000),
    /** Longest text line in a message, CRLF excluded (RFC 5321: 998); 0 = not enforced. */
    max_text_line_length: z.number().int().min(0).default(0),
    /** Largest message in octets; SIZE is advertised with it and enforced while reading. */
    max_message_size: z
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024),
    max_recipients: z.number().int().min(1).default(100),
    /** Error replies in one session before `421` and close. */
    max_errors: z.number().int().min(1).default(10),
    /** Milliseconds waiting for a command (RFC 5321 §4.5.3.2.7 suggests 5 minutes). */
    command_timeout_ms: z.number().int().min(1000).default(300_000),
    /** Milliseconds of silence allowed while reading message content. */
    data_timeout_ms: z.number().int().min(1000).default(600_000),
    max_connections: z.number().int().min(1).default(200),
    max_connections_per_ip: z.number().int().min(1).default(20),
    /**
     * From this many open connections on, the server is under stress: command and content
     * timeouts drop to stress_timeout_ms. Unset: 80% of max_connections; 0: never.
     */
    stress_connections: z.number().int().min(0).optional(),
    /** Command and content timeout under stress (Postfix: 10 s). */
    stress_timeout_ms: z.number().int().min(1000).default(10_000),
    /** A bare CR or LF in DATA: reject the message (550 5.5.2) or normalize it to CRLF. */
    bare_newline: z.enum(['reject', 'normalize']).default('reject'),
    /** Wait this long before the greeting and refuse clients that talk first; 0 = no wait. */
    greeting_delay_ms: z.number().int().min(0).max(30_000).default(0),
    /** PEM files; when absent a self-signed certificate is made under data_dir/tls. */
    tls_cert_file: z.string().optional(),
    tls_key_file: z.string().optional(),
  })
  .prefault({});

export type SmtpConfig = z.output<typeof smtpSchema>;
