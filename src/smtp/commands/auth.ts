/**
 * AUTH PLAIN and AUTH LOGIN (RFC 4954 §4, RFC 4616 §2, draft-murchison-sasl-login).
 * Refused inside a mail transaction (`503`), after a successful AUTH (`503`), and before TLS
 * unless the listener allows it (`530 5.7.0`). `*` cancels (`501`).
 * Security: credentials are untrusted and never logged. The PLAIN authorization identity
 * must be empty or equal to the authentication identity: nobody logs in as someone else.
 */
import type { AuthRequest } from '../hooks.js';
import { MAX_AUTH_LINE } from '../options.js';
import { replies } from '../replies.js';
import { HOOK_FAILED, type Session } from '../session.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Answer = { kind: 'value'; text: string } | { kind: 'cancel' } | { kind: 'bad' } | { kind: 'gone' };

function decode(b64: string): Answer {
  if (b64 === '*') return { kind: 'cancel' };
  if (b64 === '=') return { kind: 'value', text: '' };
  if (!BASE64.test(b64)) return { kind: 'bad' };
  return { kind: 'value', text: Buffer.from(b64, 'base64').toString('utf8') };
}

/** Sends a 334 challenge and reads the client's answer line. */
async function challenge(s: Session, prompt: string): Promise<Answer> {
  s.send(replies.authChallenge(Buffer.from(prompt).toString('base64')));
  const r = await s.reader.readLine(MAX_AUTH_LINE, s.ctx.limits.commandTimeoutMs);
  if (r.kind === 'eof' || r.kind === 'timeout') {
    if (r.kind === 'timeout') s.close(replies.timeout(s.ctx.hostname));
    return { kind: 'gone' };
  }
  if (r.kind === 'too-long') return { kind: 'bad' };
  return decode(
    r.line
      .toString('latin1')
      .replace(/\r?\n$/, '')
      .trim(),
  );
}

export async function auth(s: Session, arg: string): Promise<void> {
  if (!s.ctx.listener.authOffered) return s.send(replies.notImplemented());
  if (!s.client.helo || !s.client.esmtp) return s.send(replies.badSequence('send EHLO first'));
  if (!s.authUsable) return s.send(replies.tlsRequired());
  if (s.client.authUser) return s.send(replies.authAlready());
  if (s.tx) return s.send(replies.authInTransaction());
  const [mechRaw = '', initial, extra] = arg.split(' ');
  if (extra !== undefined) return s.send(replies.syntax('AUTH <mechanism> [initial-response]'));
  const mechanism = mechRaw.toUpperCase();
  let req: AuthRequest;
  if (mechanism === 'PLAIN') {
    const a = initial !== undefined ? decode(initial) : await challenge(s, '');
    if (a.kind !== 'value') return finish(s, a);
    const parts = a.text.split('\0');
    if (parts.length !== 3) return s.send(replies.authBadBase64());
    const [authzid = '', username = '', password = ''] = parts;
    // RFC 4616 §2: an authzid other than the user itself would be acting as someone else.
    if (authzid !== '' && authzid !== username) {
      s.log('auth-authzid-refused');
      return s.send(replies.authzidMismatch());
    }
    req = { mechanism, username, password };
  } else if (mechanism === 'LOGIN') {
    const u = initial !== undefined ? decode(initial) : await challenge(s, 'Username:');
    if (u.kind !== 'value') return finish(s, u);
    const p = await challenge(s, 'Password:');
    if (p.kind !== 'value') return finish(s, p);
    req = { mechanism, username: u.text, password: p.text };
  } else return s.send(replies.authMechanism());

  const { authenticate } = s.ctx.hooks;
  if (!authenticate) return s.send(replies.authFailed());
  const r = await s.hook('authenticate', () => authenticate(s.view, req));
  if (r === HOOK_FAILED) return s.send(replies.internalError());
  if (!r.ok) {
    s.log('auth-failed', { mechanism });
    const refusal = r.reply ?? replies.authFailed();
    if (refusal.code === 421) return s.close(refusal);
    return s.send(refusal);
  }
  s.update({ authUser: r.user });
  s.log('auth', { mechanism, user: r.user });
  s.send(replies.authSuccess());
}

function finish(s: Session, a: Answer): void {
  if (a.kind === 'cancel') s.send(replies.authCancelled());
  else if (a.kind === 'bad') s.send(replies.authBadBase64());
}
