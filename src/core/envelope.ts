/**
 * Envelope, Recipient and ClientInfo: what an SMTP transaction carries besides the message.
 *
 * RFC 5321 §3.3 (mail transaction), RFC 3461 §4 (DSN parameters RET, ENVID, NOTIFY, ORCPT),
 * RFC 6152 (8BITMIME), RFC 3030 (BINARYMIME), RFC 6531 (SMTPUTF8).
 */
import type { Address, MailboxAddress } from './address.js';

/** Which listener a connection came in on; it decides AUTH and relay rules. */
export type ListenerRole = 'mx' | 'submission' | 'submissions';

export interface ClientInfo {
  readonly ip: string;
  readonly port: number;
  /** Local address and port the client connected to. */
  readonly localIp: string;
  readonly localPort: number;
  readonly role: ListenerRole;
  /** Name given in HELO/EHLO; null before it. */
  readonly helo: string | null;
  /** true for ESMTP (EHLO), false for HELO. */
  readonly esmtp: boolean;
  readonly tls: boolean;
  /** Authenticated login name; null without a successful AUTH. */
  readonly authUser: string | null;
}

export type NotifyKind = 'SUCCESS' | 'FAILURE' | 'DELAY';

/** RFC 3461 §4.1: NOTIFY=NEVER, or a non-empty set of the others. */
export type Notify = 'NEVER' | readonly NotifyKind[];

export interface Recipient {
  readonly address: MailboxAddress;
  /** RFC 3461 §4.2 ORCPT as given: `rfc822;user@example.com` (xtext decoded). */
  readonly orcpt?: string;
  readonly notify?: Notify;
}

export interface DsnParams {
  readonly ret?: 'FULL' | 'HDRS';
  readonly envid?: string;
}

export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME';

export interface Envelope {
  readonly from: Address;
  readonly rcpts: readonly Recipient[];
  readonly dsn: DsnParams;
  readonly client: ClientInfo;
  readonly body: BodyType;
  readonly smtputf8: boolean;
  /** SIZE= announced in MAIL FROM, if any. */
  readonly declaredSize?: number;
}
