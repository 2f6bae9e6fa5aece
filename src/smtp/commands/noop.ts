/** NOOP (RFC 5321 §4.1.1.9): any argument is ignored. */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export function noop(s: Session): void {
  s.send(replies.ok());
}
