/** HELP (RFC 5321 §4.1.1.8): a short list of commands, whatever the argument. */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export function help(s: Session): void {
  s.send(replies.help());
}
