/**
 * What a session shares with its listener: our name, the listener's settings, the limits,
 * the TLS context, the hooks and the logger. Built once per listener by server.ts.
 */
import type { SecureContext } from 'node:tls';
import type { SessionHooks } from './hooks.js';
import type { ListenerOptions, SmtpLimits } from './options.js';

/** The part of a pino logger the engine uses. */
export interface SmtpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SessionContext {
  readonly hostname: string;
  readonly listener: ListenerOptions;
  readonly limits: SmtpLimits;
  /** Present when the server has a certificate. */
  readonly secureContext: SecureContext | null;
  readonly hooks: SessionHooks;
  readonly log: SmtpLogger | null;
  /** Whether the server is under stress now (many connections): shorter timeouts. */
  readonly underStress?: () => boolean;
}

/** The command timeout for a wait starting now: short under stress (RFC 5321 §4.5.3.2 allows it). */
export function commandTimeout(ctx: SessionContext): number {
  return ctx.underStress?.()
    ? Math.min(ctx.limits.stressTimeoutMs, ctx.limits.commandTimeoutMs)
    : ctx.limits.commandTimeoutMs;
}

/** The message-content timeout for a wait starting now. */
export function dataTimeout(ctx: SessionContext): number {
  return ctx.underStress?.()
    ? Math.min(ctx.limits.stressTimeoutMs, ctx.limits.dataTimeoutMs)
    : ctx.limits.dataTimeoutMs;
}
