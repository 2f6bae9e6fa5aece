/**
 * The default advice for notices: the same classification and the same words that
 * `mailward explain` uses (src/explain), so a failure notice and an explained bounce never
 * disagree. Kept in its own file so that the notice builders do not depend on src/explain.
 */

import type { Reply } from '../core/reply.js';
import { adviceFor } from '../explain/advice.js';
import { classifyReply } from '../explain/classify.js';
import type { Advise } from './notice-input.js';

/** One sentence for the sender, chosen from the reply's failure class. */
export const adviseFromExplain: Advise = (r: Reply): string => {
  const { reason } = classifyReply({ code: r.code, enhanced: r.enhanced, text: r.lines.join(' ') });
  return adviceFor(reason).sender;
};
