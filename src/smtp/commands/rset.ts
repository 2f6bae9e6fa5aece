/** RSET (RFC 5321 §4.1.1.5): drops the transaction; HELO/EHLO, TLS and AUTH stay. */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export function rset(s: Session, arg: string): void {
  if (arg !== '') {
    s.send(replies.syntax('RSET'));
    return;
  }
  s.tx?.bdat?.abort('transaction reset');
  s.tx = null;
  s.send(replies.ok());
}
