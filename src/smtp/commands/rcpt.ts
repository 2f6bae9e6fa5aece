/**
 * RCPT TO (RFC 5321 §4.1.1.3) with NOTIFY and ORCPT (RFC 3461 §4.1-§4.2).
 * Security: relay tricks (`%`, `!`, source routes) are valid syntax and go to hooks.onRcpt,
 * where policy refuses them; here only the grammar and the recipient limit are enforced.
 */
import { type MailboxAddress, parsePath } from '../../core/address.js';
import type { Notify, NotifyKind, Recipient } from '../../core/envelope.js';
import { decodeXtext, splitPathAndParams } from '../params.js';
import { replies } from '../replies.js';
import { HOOK_FAILED, type Session } from '../session.js';

const NOTIFY_KINDS = new Set(['SUCCESS', 'FAILURE', 'DELAY']);

function parseNotify(value: string): Notify | null {
  const items = value.toUpperCase().split(',');
  if (items.length === 1 && items[0] === 'NEVER') return 'NEVER';
  if (items.some((i) => !NOTIFY_KINDS.has(i)) || new Set(items).size !== items.length) return null;
  return items as NotifyKind[];
}

/** RFC 3461 §4.2: addr-type ";" xtext; kept decoded as `rfc822;user@example.com`. */
function parseOrcpt(value: string): string | null {
  const semi = value.indexOf(';');
  if (semi <= 0) return null;
  const type = value.slice(0, semi);
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(type)) return null;
  const addr = decodeXtext(value.slice(semi + 1));
  if (addr === null || addr === '' || addr.length > 500) return null;
  return `${type};${addr}`;
}

export async function rcpt(s: Session, arg: string): Promise<void> {
  const tx = s.tx;
  if (!tx) return s.send(replies.badSequence('need MAIL command'));
  if (tx.bdat) return s.send(replies.badSequence('RCPT after BDAT'));
  if (!/^TO:/i.test(arg)) return s.send(replies.syntax('RCPT TO:<address>'));
  const split = splitPathAndParams(arg.slice(3));
  if (!split.ok) {
    return s.send(
      split.reason === 'path' ? replies.badRecipientSyntax(split.detail) : replies.badParameter(split.detail),
    );
  }
  let notify: Notify | undefined;
  let orcpt: string | undefined;
  for (const [key, value] of split.params) {
    if (!s.client.esmtp) return s.send(replies.unknownParameter(key));
    if (key === 'NOTIFY') {
      const n = value === true ? null : parseNotify(value);
      if (n === null) return s.send(replies.badParameter('NOTIFY'));
      notify = n;
    } else if (key === 'ORCPT') {
      const o = value === true ? null : parseOrcpt(value);
      if (o === null) return s.send(replies.badParameter('ORCPT'));
      orcpt = o;
    } else return s.send(replies.unknownParameter(key));
  }
  const parsed = parsePath(split.path, { allowBarePostmaster: true, utf8: tx.smtputf8 });
  if (!parsed.ok) {
    if (parsed.problem === 'utf8-not-allowed') return s.send(replies.utf8WithoutSmtputf8());
    return s.send(replies.badRecipientSyntax(parsed.detail));
  }
  if (tx.rcpts.length >= s.ctx.limits.maxRecipients) return s.send(replies.tooManyRecipients());
  const recipient: Recipient = {
    address: parsed.value as MailboxAddress,
    ...(orcpt !== undefined ? { orcpt } : {}),
    ...(notify !== undefined ? { notify } : {}),
  };
  const { onRcpt } = s.ctx.hooks;
  let answer = replies.recipientOk();
  if (onRcpt) {
    const r = await s.hook('onRcpt', () => onRcpt(s.view, tx.from, recipient, split.params));
    if (r === HOOK_FAILED) return s.send(replies.internalError());
    if (r && r.code >= 400) return s.send(r);
    if (r) answer = r;
  }
  tx.rcpts.push(recipient);
  s.log('rcpt', { to: split.path });
  s.send(answer);
}
