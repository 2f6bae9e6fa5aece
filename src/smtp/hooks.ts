/**
 * The one typed interface through which an SMTP session calls the outside world
 * (policy, authentication, the queue). The engine knows nothing else about them.
 *
 * Each hook returns a Reply to refuse (or to answer with a specific positive text), or
 * undefined to accept with the engine's default reply. A throw is a bug or an unexpected I/O
 * failure: the engine answers `451 4.3.0` and logs the cause, never sends it (STYLE.md §1).
 */
import type { Readable } from 'node:stream';
import type { Address, MailboxAddress } from '../core/address.js';
import type { ClientInfo, Envelope, Recipient } from '../core/envelope.js';
import type { Reply } from '../core/reply.js';

/** What a hook sees of the session at the moment it is called. */
export interface SessionView {
  /** Unique id of the connection, for logs. */
  readonly sessionId: string;
  readonly client: ClientInfo;
}

export type AuthResult =
  | { readonly ok: true; readonly user: string }
  /** reply defaults to `535 5.7.8` when absent; a 421 closes the connection (lockout). */
  | { readonly ok: false; readonly reply?: Reply };

export interface AuthRequest {
  readonly mechanism: 'PLAIN' | 'LOGIN';
  readonly username: string;
  readonly password: string;
}

export interface SessionHooks {
  /** Before the greeting. A 4xx/5xx reply is sent instead of the greeting and the connection closes. */
  onConnect?(view: SessionView): Promise<Reply | undefined>;
  /** After a syntactically valid HELO/EHLO. */
  onHelo?(view: SessionView, name: string): Promise<Reply | undefined>;
  /** Checks credentials. The engine has already enforced TLS, transaction state and authzid. */
  authenticate?(view: SessionView, req: AuthRequest): Promise<AuthResult>;
  onMail?(view: SessionView, from: Address, params: ReadonlyMap<string, string | true>): Promise<Reply | undefined>;
  onRcpt?(
    view: SessionView,
    from: Address,
    rcpt: Recipient,
    params: ReadonlyMap<string, string | true>,
  ): Promise<Reply | undefined>;
  /**
   * The message body, dot-unstuffed (DATA) or concatenated chunks (BDAT), streamed as it
   * arrives. Resolve only when the message is safe on disk: the reply is sent as is
   * (`250 2.0.0 Ok: queued as ID`). If the body turns out invalid (too big, bare newline),
   * the stream is destroyed with an error and the engine sends its own reply; the sink must
   * then discard what it wrote.
   */
  onData?(view: SessionView, envelope: Envelope, body: Readable): Promise<Reply>;
  /** Observes every protocol event worth a log line (optional). */
  onLog?(view: SessionView, event: string, detail?: Record<string, unknown>): void;
}

export type { MailboxAddress };
