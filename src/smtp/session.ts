/**
 * Session: the state machine of one SMTP connection, from greeting to close.
 *
 * RFC 5321 §4.1 (commands), §4.3.2 (sequencing), §4.5.3 (limits and timeouts), RFC 2920
 * (replies to a pipelined group go out in one write, when the session must wait for input),
 * RFC 2034 (enhanced codes, chosen in replies.ts and by the hooks).
 * Security: everything read here is untrusted. Lines are length-capped, non-ASCII bytes are
 * refused outside MAIL/RCPT, errors are counted and end the session, and a hook that
 * throws yields `451 4.3.0` on the wire while the cause goes only to the log.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ClientInfo } from '../core/envelope.js';
import { formatReply, type Reply } from '../core/reply.js';
import { COMMANDS } from './commands/index.js';
import type { SessionView } from './hooks.js';
import { InputReader } from './input-reader.js';
import { MAX_AUTH_LINE } from './options.js';
import { replies } from './replies.js';
import { commandTimeout, type SessionContext } from './session-context.js';
import type { Transaction } from './transaction.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
export const HOOK_FAILED: unique symbol = Symbol('hook failed');

export class Session {
  readonly reader = new InputReader();
  client: ClientInfo;
  tx: Transaction | null = null;
  closing = false;
  private errors = 0;
  private out: string[] = [];
  private stream: Socket | TLSSocket;

  constructor(
    readonly ctx: SessionContext,
    readonly id: string,
    private readonly raw: Socket,
    stream: Socket | TLSSocket,
    tls: boolean,
  ) {
    this.stream = stream;
    this.client = {
      ip: normalizeIp(raw.remoteAddress ?? ''),
      port: raw.remotePort ?? 0,
      localIp: normalizeIp(raw.localAddress ?? ''),
      localPort: raw.localPort ?? 0,
      role: ctx.listener.role,
      helo: null,
      esmtp: false,
      tls,
      authUser: null,
    };
    this.reader.beforeWait = () => this.flush();
    this.reader.attach(stream);
  }

  get view(): SessionView {
    return { sessionId: this.id, client: this.client };
  }

  update(patch: Partial<ClientInfo>): void {
    this.client = { ...this.client, ...patch };
  }

  /** Queues a reply; replies to a pipelined group leave in one write (flush). */
  send(r: Reply): void {
    if (r.code >= 400 && r.code !== 421) this.errors++;
    this.out.push(formatReply(r));
    this.ctx.hooks.onLog?.(this.view, 'reply', { code: r.code, enhanced: r.enhanced });
  }

  flush(): void {
    if (this.out.length === 0) return;
    const data = this.out.join('');
    this.out = [];
    if (!this.stream.destroyed && this.stream.writable) this.stream.write(data);
  }

  /** Sends a last reply (if any) and closes the connection. */
  close(last?: Reply): void {
    if (last) this.send(last);
    this.flush();
    this.closing = true;
    this.stream.end();
    // A client that never reads must not keep the socket forever.
    setTimeout(() => this.raw.destroy(), 5000).unref();
  }

  /** The client went away (or broke framing): no reply can help. */
  drop(): void {
    this.closing = true;
    this.stream.destroy();
    this.raw.destroy();
  }

  /** Runs a hook; a throw becomes HOOK_FAILED (and a log line), never a crash. */
  async hook<T>(name: string, call: () => Promise<T>): Promise<T | typeof HOOK_FAILED> {
    try {
      return await call();
    } catch (err) {
      this.logHookError(name, err);
      return HOOK_FAILED;
    }
  }

  logHookError(name: string, err: unknown): void {
    this.ctx.log?.error({ sessionId: this.id, hook: name, err }, 'hook failed');
  }

  log(event: string, detail?: Record<string, unknown>): void {
    this.ctx.log?.debug({ sessionId: this.id, event, ...detail }, event);
    this.ctx.hooks.onLog?.(this.view, event, detail);
  }

  /** The whole life of the connection. Resolves when it is closed. */
  async run(): Promise<void> {
    this.ctx.log?.info({ sessionId: this.id, ip: this.client.ip, role: this.client.role }, 'smtp connect');
    try {
      if (await this.greet()) await this.loop();
    } catch (err) {
      this.ctx.log?.error({ sessionId: this.id, err }, 'session failed');
      if (!this.closing) this.close(replies.internalError());
    } finally {
      if (!this.closing) this.close();
      this.reader.detach();
      this.ctx.log?.info({ sessionId: this.id, errors: this.errors }, 'smtp disconnect');
    }
  }

  private async greet(): Promise<boolean> {
    const { hooks, limits, hostname } = this.ctx;
    if (hooks.onConnect) {
      const r = await this.hook('onConnect', () => hooks.onConnect!(this.view));
      if (r === HOOK_FAILED) {
        this.close(replies.serviceUnavailable(hostname));
        return false;
      }
      if (r && r.code >= 400) {
        this.close(r);
        return false;
      }
    }
    if (limits.greetingDelayMs > 0) await new Promise((r) => setTimeout(r, limits.greetingDelayMs));
    if (this.stream.destroyed) return false;
    // RFC 5321 §4.3.1: the client waits for the greeting; one that talks first is not SMTP.
    if (this.reader.pending > 0) {
      this.log('early-talker');
      this.close(replies.earlyTalker());
      return false;
    }
    this.send(replies.greeting(hostname));
    this.flush();
    return true;
  }

  private async loop(): Promise<void> {
    const { limits, hostname } = this.ctx;
    while (!this.closing) {
      const r = await this.reader.readLine(MAX_AUTH_LINE, commandTimeout(this.ctx));
      if (r.kind === 'eof') return;
      if (r.kind === 'timeout') return this.close(replies.timeout(hostname));
      if (r.kind === 'too-long') this.send(replies.lineTooLong());
      else await this.dispatch(r.line);
      if (!this.closing && this.errors >= limits.maxErrors) return this.close(replies.tooManyErrors(hostname));
    }
  }

  private async dispatch(raw: Buffer): Promise<void> {
    let end = raw.length - 1; // the LF
    if (end > 0 && raw[end - 1] === 13) end--;
    const bytes = raw.subarray(0, end);
    const sp = bytes.indexOf(32);
    const verb = bytes
      .subarray(0, sp < 0 ? bytes.length : sp)
      .toString('latin1')
      .toUpperCase();
    if (verb !== 'AUTH' && raw.length > this.ctx.limits.maxLineLength) return this.send(replies.lineTooLong());
    const handler = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
    if (!handler) {
      this.log('unknown-command', { verb: verb.slice(0, 32) });
      return this.send(replies.unknownCommand());
    }
    const argBytes = sp < 0 ? Buffer.alloc(0) : bytes.subarray(sp + 1);
    let arg: string;
    if (verb === 'MAIL' || verb === 'RCPT') {
      // RFC 6531: UTF-8 is allowed in paths; anything that is not valid UTF-8 is not.
      try {
        arg = utf8.decode(argBytes);
      } catch {
        return this.send(replies.nonAsciiCommand());
      }
      if (/[\x00-\x1f\x7f]/.test(arg)) return this.send(replies.nonAsciiCommand());
    } else {
      arg = argBytes.toString('latin1');
      if (/[^\x20-\x7e]/.test(arg)) return this.send(replies.nonAsciiCommand());
    }
    await handler(this, arg);
  }

  /** True when TLS is on or this listener can offer it (STARTTLS advertised). */
  get canStartTls(): boolean {
    return this.ctx.listener.tls === 'starttls' && this.ctx.secureContext !== null && !this.client.tls;
  }

  /** AUTH is advertised and accepted now (RFC 4954 §4: not in clear text unless configured). */
  get authUsable(): boolean {
    const l = this.ctx.listener;
    if (!l.authOffered) return false;
    if (this.client.tls || l.authWithoutTls === 'always') return true;
    return l.authWithoutTls === 'loopback' && isLoopback(this.client.ip);
  }

  /** RFC 3207 §4.2: after the handshake the session starts over, as after the greeting. */
  async startTls(): Promise<boolean> {
    const ctx = this.ctx.secureContext;
    if (!ctx) return false;
    this.reader.discard();
    this.reader.detach();
    const tlsSocket = new TLSSocket(this.raw, { isServer: true, secureContext: ctx });
    tlsSocket.on('error', () => {});
    const ok = await waitForHandshake(tlsSocket, commandTimeout(this.ctx));
    if (!ok) {
      this.closing = true;
      tlsSocket.destroy();
      this.raw.destroy();
      return false;
    }
    this.stream = tlsSocket;
    this.reader.attach(tlsSocket);
    this.tx = null;
    this.update({ tls: true, helo: null, esmtp: false, authUser: null });
    this.log('tls', { protocol: tlsSocket.getProtocol(), cipher: tlsSocket.getCipher()?.name });
    return true;
  }
}

export function waitForHandshake(s: TLSSocket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.off('secure', onSecure);
      s.off('error', onFail);
      s.off('close', onFail);
      resolve(ok);
    };
    const onSecure = () => done(true);
    const onFail = () => done(false);
    s.on('secure', onSecure);
    s.on('error', onFail);
    s.on('close', onFail);
  });
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}
