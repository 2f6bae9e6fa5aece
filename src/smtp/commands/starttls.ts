/**
 * STARTTLS (RFC 3207 §4): `220`, then the TLS handshake on the same socket.
 * Security: whatever the client pipelined after the command is discarded before the
 * handshake (the 2011 command-injection family), and the session starts over afterwards:
 * no HELO name, no transaction and no AUTH survive from the clear-text part.
 */

import { replies } from '../replies.js';
import type { Session } from '../session.js';

export async function starttls(s: Session, arg: string): Promise<void> {
  if (s.ctx.listener.tls !== 'starttls') return s.send(replies.notImplemented());
  if (s.client.tls) return s.send(replies.tlsAlreadyActive());
  if (!s.ctx.secureContext) return s.send(replies.tlsUnavailable());
  if (arg !== '') return s.send(replies.syntax('STARTTLS'));
  s.reader.discard();
  s.send(replies.readyToStartTls());
  s.flush();
  await s.startTls();
}
