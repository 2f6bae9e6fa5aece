/**
 * VRFY and EXPN (RFC 5321 §3.5, §7.3): never reveal users or list members; `252` says
 * "cannot verify, will try".
 * Security: no lookup happens, so the reply cannot leak whether a mailbox exists.
 */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export function vrfy(s: Session, arg: string): void {
  if (arg.trim() === '') {
    s.send(replies.syntax('VRFY <address>'));
    return;
  }
  s.send(replies.cannotVerify());
}
