/**
 * An outbound SMTP session to one IP: connect, greeting, EHLO (HELO fallback), STARTTLS,
 * AUTH; then it can carry several transactions (see transaction.ts).
 *
 * RFC 5321 §3.1 (greeting; 554 or 421 greeting ends the session), §4.1.1.1 (EHLO, HELO
 * fallback), §4.5.3.2 (timeouts), RFC 3207 (STARTTLS: forget everything learnt before TLS
 * and EHLO again), RFC 4954 (AUTH), RFC 4616 (PLAIN).
 * Security: everything the remote sends is untrusted; only the reply reader parses it.
 * Only fixed command words and our own config values are written; addresses are checked
 * for CR/LF/<> before they are put into a command (transaction.ts). Credentials are sent
 * only after TLS when the config requires TLS, and are never logged.
 */
import type { Socket } from 'node:net';
import { isIP, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { DeliveryStage } from '../../core/delivery-outcome.js';
import { type Reply, reply } from '../../core/reply.js';
import { type Capabilities, emptyCaps, parseCapabilities } from './capabilities.js';
import { type ReadResult, ReplyReader } from './reply-reader.js';

export type { Capabilities } from './capabilities.js';

export type SocketFactory = (opts: { host: string; port: number }) => Socket;

export interface Timeouts {
  connect: number;
  greeting: number;
  command: number;
  dataStart: number;
  dataBlock: number;
  endOfData: number;
}

export interface SessionOptions {
  /** Host name for logs, notices and TLS SNI. */
  host: string;
  ip: string;
  port: number;
  ehloName: string;
  /** 'none' only for the plaintext retry after a failed opportunistic handshake (RFC 7435 §3). */
  tls: 'opportunistic' | 'required' | 'none';
  auth?: { username: string; password: string };
  timeouts: Timeouts;
  connect?: SocketFactory;
}

export interface SessionFailure {
  stage: DeliveryStage;
  /** The remote's reply verbatim, or one we made up (connection failures, timeouts). */
  reply: Reply;
  /** A reply of our own making (no remote reply to keep). */
  synthesized: boolean;
  /** A permanent condition we detected ourselves (the remote is us: a mail loop). */
  final?: boolean;
}

export type OpenResult = { ok: true; session: SmtpSession } | { ok: false; failure: SessionFailure };

/** Error texts (OpenSSL's, the OS's) may span lines; a reply line may not. */
export const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ').trim();

const where = (o: { host: string; ip: string; port: number }) => `${o.host}[${o.ip}]:${o.port}`;

/** RFC 3463 4.4.2 "bad connection": the session broke after it was established. */
export function lostConnection(o: { host: string; ip: string; port: number }, after: string, r: ReadResult): Reply {
  const why = r.ok
    ? 'unexpected reply'
    : r.kind === 'timeout'
      ? `timed out (${r.detail})`
      : `lost connection (${r.detail})`;
  return reply(451, '4.4.2', oneLine(`${where(o)} ${why} after ${after}`));
}

export class SmtpSession {
  caps: Capabilities = emptyCaps();
  tlsActive = false;
  /** The remote's certificate verified against the system CAs (recorded, not required). */
  tlsVerified = false;
  messages = 0;
  private broken = false;

  private constructor(
    private socket: Socket,
    readonly reader: ReplyReader,
    readonly opts: SessionOptions,
  ) {}

  get remote(): { host: string; ip: string; port: number } {
    return { host: this.opts.host, ip: this.opts.ip, port: this.opts.port };
  }

  /** Broken (timeout, lost connection, 421): not worth a QUIT. */
  get spoiled(): boolean {
    return this.broken || this.reader.closed;
  }

  get usable(): boolean {
    return !this.broken && !this.reader.closed && !this.reader.hasUnread;
  }

  /** While idle in the pool the socket must not keep the process alive. */
  setIdle(idle: boolean): void {
    if (idle) this.socket.unref();
    else this.socket.ref();
  }

  /** Marks the session as not reusable (after a 421, a timeout, a desync). */
  spoil(): void {
    this.broken = true;
  }

  static async open(opts: SessionOptions): Promise<OpenResult> {
    const fail = (stage: DeliveryStage, r: Reply, synthesized: boolean): OpenResult => ({
      ok: false,
      failure: { stage, reply: r, synthesized },
    });
    const socket = (opts.connect ?? ((o) => netConnect(o)))({ host: opts.ip, port: opts.port });
    const connected = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(
        () => resolve(`no answer within ${opts.timeouts.connect / 1000}s`),
        opts.timeouts.connect,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(null);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(err.code ?? err.message);
      });
    });
    if (connected !== null) {
      socket.destroy();
      return fail('connect', reply(451, '4.4.1', oneLine(`connect to ${where(opts)} failed: ${connected}`)), true);
    }
    // Errors surface through the reply reader; this keeps a late EPIPE from crashing the process.
    socket.on('error', () => {});
    socket.setNoDelay(true);
    const reader = new ReplyReader(socket);
    const s = new SmtpSession(socket, reader, opts);

    const greeting = await reader.read(opts.timeouts.greeting);
    if (!greeting.ok) {
      s.destroy();
      return fail('greeting', lostConnection(opts, 'connect (waiting for the greeting)', greeting), true);
    }
    if (greeting.reply.code !== 220) {
      await s.quit();
      return fail('greeting', greeting.reply, false);
    }
    // Postfix's "greeted me with my own hostname": the MX or route points back at us.
    const greeter = /^220[ -](\S+)/.exec(greeting.raw[0] ?? '')?.[1]?.toLowerCase();
    if (greeter && greeter === opts.ehloName.toLowerCase()) {
      await s.quit();
      const loop = reply(
        554,
        '5.4.6',
        oneLine(`mail loops back to myself: ${where(opts)} greeted us with our own name ${greeter}`),
      );
      return { ok: false, failure: { stage: 'greeting', reply: loop, synthesized: true, final: true } };
    }

    const hello = await s.hello();
    if (!hello.ok) return hello;

    if (s.caps.starttls && opts.tls !== 'none') {
      const st = await s.command('STARTTLS', opts.timeouts.command);
      if (st.ok && st.reply.code === 220) {
        const tlsError = await s.upgrade();
        if (tlsError) {
          s.destroy();
          return fail(
            'starttls',
            reply(451, '4.7.5', oneLine(`TLS handshake with ${where(opts)} failed: ${tlsError}`)),
            true,
          );
        }
        const again = await s.hello();
        if (!again.ok) return again;
      } else if (!st.ok) {
        s.destroy();
        return fail('starttls', lostConnection(opts, 'STARTTLS', st), true);
      } else if (opts.tls === 'required') {
        await s.quit();
        return fail(
          'starttls',
          reply(451, '4.7.4', oneLine(`TLS is required, but ${where(opts)} refused STARTTLS: ${st.raw.join(' / ')}`)),
          true,
        );
      }
    } else if (opts.tls === 'required') {
      await s.quit();
      return fail('starttls', reply(451, '4.7.4', `TLS is required, but was not offered by ${where(opts)}`), true);
    }

    if (opts.auth) {
      if (!s.tlsActive) {
        // Never send the relay password in clear text (RFC 4954 §4 wants a protected channel for PLAIN).
        await s.quit();
        return fail('auth', reply(451, '4.7.0', `not sending credentials to ${where(opts)} without TLS`), true);
      }
      const authFailure = await s.authenticate(opts.auth);
      if (authFailure) return fail('auth', authFailure, true);
    }
    return { ok: true, session: s };
  }

  /** Writes one command line and reads its reply. */
  async command(line: string, timeoutMs: number): Promise<ReadResult> {
    this.write(`${line}\r\n`);
    return this.reader.read(timeoutMs);
  }

  write(data: string | Buffer): boolean {
    return this.socket.write(data);
  }

  /** Resolves when the socket can take more data, or false when it broke or stalled. */
  drain(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.socket.on('drain', onDrain);
      this.socket.on('close', onClose);
    });
  }

  async quit(): Promise<void> {
    if (!this.reader.closed && !this.socket.destroyed) {
      await this.command('QUIT', Math.min(this.opts.timeouts.command, 2000));
    }
    this.destroy();
  }

  destroy(): void {
    this.broken = true;
    this.reader.detach();
    this.socket.destroy();
  }

  private async hello(): Promise<OpenResult> {
    const t = this.opts.timeouts.command;
    let r = await this.command(`EHLO ${this.opts.ehloName}`, t);
    let esmtp = true;
    // RFC 5321 §4.1.4: a server that does not know EHLO says so with 500/501/502/504.
    if (r.ok && [500, 501, 502, 504].includes(r.reply.code)) {
      esmtp = false;
      r = await this.command(`HELO ${this.opts.ehloName}`, t);
    }
    if (!r.ok) {
      this.destroy();
      return { ok: false, failure: { stage: 'ehlo', reply: lostConnection(this.opts, 'EHLO', r), synthesized: true } };
    }
    if (r.reply.code !== 250) {
      await this.quit();
      return { ok: false, failure: { stage: 'ehlo', reply: r.reply, synthesized: false } };
    }
    this.caps = esmtp ? parseCapabilities(r.raw) : emptyCaps();
    return { ok: true, session: this };
  }

  private async upgrade(): Promise<string | null> {
    this.reader.detach();
    const servername = isIP(this.opts.host.replace(/^\[|\]$/g, '')) ? undefined : this.opts.host;
    const tlsSocket = tlsConnect({ socket: this.socket, servername, rejectUnauthorized: false });
    const error = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve('handshake timed out'), this.opts.timeouts.command);
      tlsSocket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(null);
      });
      tlsSocket.once('error', (err) => {
        clearTimeout(timer);
        resolve(err.message);
      });
    });
    tlsSocket.on('error', () => {});
    if (error) return error;
    this.tlsVerified = tlsSocket.authorized;
    this.tlsActive = true;
    this.socket = tlsSocket;
    this.reader.attach(tlsSocket);
    return null;
  }

  private async authenticate(auth: { username: string; password: string }): Promise<Reply | null> {
    const t = this.opts.timeouts.command;
    const failed = (r: ReadResult) =>
      reply(
        451,
        '4.7.0',
        oneLine(`authentication to ${where(this.opts)} failed: ${r.ok ? r.raw.join(' / ') : r.detail}`),
      );
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    let r: ReadResult;
    if (this.caps.auth.includes('PLAIN')) {
      r = await this.command(`AUTH PLAIN ${b64(`\0${auth.username}\0${auth.password}`)}`, t);
    } else if (this.caps.auth.includes('LOGIN')) {
      r = await this.command('AUTH LOGIN', t);
      if (r.ok && r.reply.code === 334) r = await this.command(b64(auth.username), t);
      if (r.ok && r.reply.code === 334) r = await this.command(b64(auth.password), t);
    } else {
      await this.quit();
      return reply(451, '4.7.0', `${where(this.opts)} offers no AUTH mechanism we support (PLAIN, LOGIN)`);
    }
    if (r.ok && r.reply.code === 235) return null;
    await this.quit();
    return failed(r);
  }
}
