/**
 * DeliveryOutcome: what one delivery attempt did for one recipient. The input of bounce/
 * (notices) and of the delivery log. The remote's reply is kept verbatim as a Reply.
 */
import type { Reply } from './reply.js';

export type RecipientStatus = 'pending' | 'delivered' | 'deferred' | 'failed';

/** Where in the delivery the outcome was decided (for "after RCPT TO:<…>" in notices). */
export type DeliveryStage =
  | 'dns'
  | 'connect'
  | 'greeting'
  | 'ehlo'
  | 'starttls'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'end-of-data'
  | 'local'
  | 'queue';

export interface DeliveryOutcome {
  /** Recipient address in key form (`local@domain`). */
  readonly rcpt: string;
  readonly status: Exclude<RecipientStatus, 'pending'>;
  readonly reply: Reply;
  /** The host that answered, when there was one. */
  readonly remote?: { readonly host: string; readonly ip: string; readonly port?: number };
  readonly stage: DeliveryStage;
  /** The remote advertised DSN and took our NOTIFY/ORCPT (RFC 3461 §5.2.2: "relayed" vs "delivered"). */
  readonly remoteDsn?: boolean;
}
