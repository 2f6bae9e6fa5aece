/**
 * What a policy rule sees (PolicyContext) and what it may use (PolicyDeps), and the rule
 * signature itself (STYLE.md §3: one file per rule, `(ctx, deps) => Promise<PolicyDecision>`).
 * Everything from the world arrives here: directory, DNS, spamd, clock, log.
 */

import type { PolicyConfig } from '../config/sections/policy.js';
import type { Address } from '../core/address.js';
import type { ClientInfo, Recipient } from '../core/envelope.js';
import type { PolicyDecision } from '../core/policy-decision.js';
import type { DirectoryStore } from '../store/ports/directory.js';
import type { SuppressionStore } from '../store/ports/suppression.js';
import type { PolicyStage, ReplyCatalogue } from './catalogue.js';
import type { SenderDomainChecker } from './sender-domain.js';
import type { SpamdResult } from './spamd-client.js';

export interface PolicyContext {
  readonly stage: PolicyStage;
  readonly sessionId?: string;
  readonly client: ClientInfo;
  /** HELO/EHLO name (helo stage). */
  readonly helo?: string;
  /** MAIL FROM (mail, rcpt and data stages). */
  readonly from?: Address;
  /** The recipient being judged (rcpt stage). */
  readonly rcpt?: Recipient;
  /** The whole message as received (data stage). */
  readonly message?: Buffer;
}

/** pino-compatible: `log.warn({ rule }, 'text')`. */
export interface PolicyLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PolicyDeps {
  readonly settings: PolicyConfig & { readonly hostname: string };
  readonly directory: DirectoryStore;
  readonly replies: ReplyCatalogue;
  /** Config networks and the directory's, IPv4-mapped IPv6 understood. */
  isTrusted(ip: string): Promise<boolean>;
  isOurDomain(domain: string): Promise<boolean>;
  /** What `<postmaster>` and `user@[our IP]` mean. */
  primaryDomain(): Promise<string>;
  readonly senderDomain: SenderDomainChecker;
  spamd(message: Buffer): Promise<SpamdResult>;
  /** Addresses that bounced permanently (rule suppressed); none: the rule lets everything pass. */
  readonly suppression?: SuppressionStore;
  readonly log: PolicyLog;
}

export type PolicyRule = (ctx: PolicyContext, deps: PolicyDeps) => Promise<PolicyDecision>;
