/**
 * A status for recipients whose bounce carries no enhanced code: class from the reply code
 * (or the DSN action), detail "0.9NN" by reason, as the sisimai-labelled corpus writes them
 * (e.g. 5.0.911 for an unknown user), so results compare with that vocabulary.
 */
import type { Reason } from './types.js';

const DETAIL: Partial<Record<Reason, string>> = {
  onhold: '901',
  norelaying: '909',
  filtered: '910',
  userunknown: '911',
  hostunknown: '912',
  suspend: '915',
  rejected: '918',
  mailboxfull: '922',
  mailererror: '939',
  expired: '947',
  networkerror: '900',
  blocked: '971',
};

export function pseudoStatus(reason: Reason, replyCode: string, action?: string): string {
  const cls = replyCode[0] === '4' || action === 'delayed' ? '4' : '5';
  return `${cls}.0.${DETAIL[reason] ?? '900'}`;
}
