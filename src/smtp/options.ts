/**
 * SmtpServerOptions: everything the SMTP engine needs to know, as one typed object.
 *
 * RFC 5321 §4.5.3.1 (size limits), §4.5.3.2 (timeouts). The config section
 * src/config/sections/listeners.ts mirrors these keys in snake_case; the integrator maps one
 * onto the other. Defaults live here so that tests can build a server from a few fields.
 */
import type { ListenerRole } from '../core/envelope.js';

export type TlsMode = 'none' | 'starttls' | 'implicit';
export type AuthWithoutTls = 'never' | 'loopback' | 'always';
export type BareNewlinePolicy = 'reject' | 'normalize';

export interface ListenerOptions {
  readonly role: ListenerRole;
  readonly host: string;
  /** 0 asks the system for a free port; listen() reports the real one. */
  readonly port: number;
  readonly tls: TlsMode;
  /** AUTH PLAIN/LOGIN advertised and accepted on this listener. */
  readonly authOffered: boolean;
  /** Whether AUTH may happen on a connection without TLS (RFC 4954 §4 says it should not). */
  readonly authWithoutTls: AuthWithoutTls;
}

export interface SmtpLimits {
  /**
   * Longest command line in octets, CRLF included. RFC 5321 §4.5.3.1.4 asks for at least 512;
   * ESMTP parameters lengthen MAIL/RCPT (ORCPT up to 500, ENVID up to 100), so the default is
   * 1000, as Postfix uses. AUTH lines may reach 12288 octets (RFC 4954 §4) regardless.
   */
  readonly maxLineLength: number;
  /**
   * Longest text line inside a message, CRLF excluded (RFC 5321 §4.5.3.1.6: 998). 0, the
   * default, does not enforce it (as Postfix, which accepts and folds long lines).
   */
  readonly maxTextLineLength: number;
  /** Largest message body in octets (SIZE, RFC 1870), enforced while reading. */
  readonly maxMessageSize: number;
  /** Accepted recipients per message; one more gets `452 4.5.3` (RFC 5321 §4.5.3.1.8). */
  readonly maxRecipients: number;
  /** Error replies per session before `421` and close. */
  readonly maxErrors: number;
  /** Idle time waiting for a command (RFC 5321 §4.5.3.2.7 suggests 5 minutes). */
  readonly commandTimeoutMs: number;
  /** Idle time while reading message content (RFC 5321 §4.5.3.2.6 suggests 10 minutes). */
  readonly dataTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /**
   * Stress (as Postfix's): from this many open connections on, every new wait for a command or
   * for message content uses `stressTimeoutMs` instead, so idle and slow clients are cut loose
   * fast and their slots go to clients that talk. 0 = never under stress.
   */
  readonly stressConnections: number;
  readonly stressTimeoutMs: number;
  /** What to do with a bare CR or LF inside DATA content. */
  readonly bareNewline: BareNewlinePolicy;
  /**
   * Wait this long before the greeting and refuse clients that talk first (early talkers).
   * 0 only checks what arrived before the greeting was written.
   */
  readonly greetingDelayMs: number;
}

export interface TlsOptions {
  /** PEM strings. */
  readonly key: string;
  readonly cert: string;
}

export interface SmtpServerOptions {
  /** Our name in the greeting and in replies. */
  readonly hostname: string;
  readonly listeners: readonly ListenerOptions[];
  /** Without it, STARTTLS is not advertised and implicit-TLS listeners refuse to start. */
  readonly tls?: TlsOptions;
  readonly limits?: Partial<SmtpLimits>;
}

export const DEFAULT_LIMITS: SmtpLimits = Object.freeze({
  maxLineLength: 1000,
  maxTextLineLength: 0,
  maxMessageSize: 25 * 1024 * 1024,
  maxRecipients: 100,
  maxErrors: 10,
  commandTimeoutMs: 300_000,
  dataTimeoutMs: 600_000,
  maxConnections: 200,
  maxConnectionsPerIp: 20,
  stressConnections: 160, // 80% of maxConnections
  stressTimeoutMs: 10_000,
  bareNewline: 'reject',
  greetingDelayMs: 0,
});

/** RFC 4954 §4: a SASL response line may be 12288 octets long. */
export const MAX_AUTH_LINE = 12288;

export function resolveLimits(partial: Partial<SmtpLimits> | undefined): SmtpLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  // stress starts at 80% of the connection limit unless set
  if (partial?.stressConnections === undefined) limits.stressConnections = Math.ceil(limits.maxConnections * 0.8);
  // RFC 5321 §4.5.3.1.4: a server must accept command lines of at least 512 octets.
  if (limits.maxLineLength < 512) limits.maxLineLength = 512;
  return Object.freeze(limits);
}
