/**
 * EHLO and HELO (RFC 5321 §4.1.1.1, §4.1.4): checks the client's name, asks hooks.onHelo,
 * resets the transaction and (EHLO) lists the extensions this listener honours now:
 * STARTTLS only before TLS, AUTH only where it may be used (RFC 3207 §4, RFC 4954 §4).
 * Security: the name is untrusted; only a domain or an address literal is accepted.
 */
import { parseDomain } from '../../core/address.js';
import { replies } from '../replies.js';
import { HOOK_FAILED, type Session } from '../session.js';

// Labels may hold "_": common in Windows host names, harmless, and Postfix accepts them.
const NAME =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

export function validHeloName(name: string): boolean {
  if (name.startsWith('[')) return parseDomain(name, false).ok;
  return name.length <= 255 && NAME.test(name);
}

export function extensions(s: Session): string[] {
  const ext = [
    'PIPELINING',
    `SIZE ${s.ctx.limits.maxMessageSize}`,
    '8BITMIME',
    'SMTPUTF8',
    'ENHANCEDSTATUSCODES',
    'DSN',
    'CHUNKING',
  ];
  if (s.canStartTls) ext.push('STARTTLS');
  if (s.authUsable && !s.client.authUser) ext.push('AUTH PLAIN LOGIN');
  return ext;
}

async function greet(s: Session, arg: string, esmtp: boolean): Promise<void> {
  const name = arg;
  if (name === '') return s.send(replies.syntax(esmtp ? 'EHLO <hostname>' : 'HELO <hostname>'));
  if (!validHeloName(name)) return s.send(replies.invalidHeloName());
  const { onHelo } = s.ctx.hooks;
  let custom: Awaited<ReturnType<NonNullable<typeof onHelo>>>;
  if (onHelo) {
    const r = await s.hook('onHelo', () => onHelo(s.view, name));
    if (r === HOOK_FAILED) return s.send(replies.internalError());
    if (r && r.code >= 400) return s.send(r);
    custom = r;
  }
  // RFC 5321 §4.1.4: EHLO/HELO in a session resets it as RSET does.
  s.tx?.bdat?.abort('transaction reset by HELO/EHLO');
  s.tx = null;
  s.update({ helo: name, esmtp });
  s.log(esmtp ? 'ehlo' : 'helo', { name });
  if (esmtp) s.send(replies.ehloOk(s.ctx.hostname, name, extensions(s)));
  else s.send(custom ?? replies.heloOk(s.ctx.hostname, name));
}

export function ehlo(s: Session, arg: string): Promise<void> {
  return greet(s, arg, true);
}

export function helo(s: Session, arg: string): Promise<void> {
  return greet(s, arg, false);
}
