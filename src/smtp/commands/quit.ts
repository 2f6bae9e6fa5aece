/** QUIT (RFC 5321 §4.1.1.10): `221` and close; an unfinished transaction is dropped. */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export function quit(s: Session, arg: string): void {
  if (arg !== '') {
    s.send(replies.syntax('QUIT'));
    return;
  }
  s.tx?.bdat?.abort('client quit during BDAT');
  s.tx = null;
  s.close(replies.bye());
}
