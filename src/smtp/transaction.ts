/**
 * The mail transaction a session builds between MAIL and the end of the message.
 *
 * RFC 5321 §3.3 (MAIL, RCPT, DATA), RFC 3030 §2 (BDAT chunks belong to one transaction),
 * RFC 3461 §4 (DSN parameters kept with the envelope).
 */
import type { Address } from '../core/address.js';
import type { BodyType, ClientInfo, DsnParams, Envelope, Recipient } from '../core/envelope.js';
import type { BodySink } from './body-stream.js';

export interface Transaction {
  readonly from: Address;
  readonly body: BodyType;
  readonly smtputf8: boolean;
  readonly dsn: DsnParams;
  readonly declaredSize?: number;
  readonly rcpts: Recipient[];
  /** Set by the first BDAT chunk; DATA is then out of sequence (RFC 3030 §2). */
  bdat: BodySink | null;
}

export function envelopeOf(tx: Transaction, client: ClientInfo): Envelope {
  return {
    from: tx.from,
    rcpts: [...tx.rcpts],
    dsn: tx.dsn,
    client,
    body: tx.body,
    smtputf8: tx.smtputf8,
    ...(tx.declaredSize !== undefined ? { declaredSize: tx.declaredSize } : {}),
  };
}
