/**
 * Scripted SMTP dialogues for tests: connect to a port, send commands or raw bytes, and read
 * complete replies (all lines of a multi-line reply), optionally over TLS after STARTTLS.
 * Steps read as `{ c: 'RCPT TO:<x@y>', s: /^553 5\.7\.1 / }`.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

export interface Step {
  /** A command line (CRLF is added). */
  c?: string;
  /** Raw bytes, sent as they are. */
  raw?: string | Buffer;
  /** Expected reply: matched against the whole reply (lines joined with "\n"), or several replies. */
  s?: RegExp | string | Array<RegExp | string>;
}

export class SmtpClient {
  private buf = '';
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(private sock: Socket | TLSSocket) {
    this.attach(sock);
  }

  private attach(sock: Socket | TLSSocket): void {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** `localAddress`: the loopback address to connect from (127.0.0.2 … as another client). */
  static async connect(port: number, host = '127.0.0.1', tls = false, localAddress?: string): Promise<SmtpClient> {
    const from = localAddress ? { localAddress } : {};
    const sock = tls
      ? tlsConnect({ port, host, rejectUnauthorized: false, ...from })
      : connect({ port, host, ...from });
    await new Promise<void>((resolve, reject) => {
      sock.once(tls ? 'secureConnect' : 'connect', () => resolve());
      sock.once('error', reject);
    });
    return new SmtpClient(sock);
  }

  write(data: string | Buffer): void {
    this.sock.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  /** One complete reply ("250-a\n250 b"), or null if the server closed first. */
  async reply(timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buf.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i] ?? '') || (lines[i] ?? '').length === 3) {
          const out = lines.slice(0, i + 1).join('\n');
          this.buf = lines.slice(i + 1).join('\r\n');
          return out;
        }
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; have ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Everything received and not yet read as a reply. */
  get pendingText(): string {
    return this.buf;
  }

  async expect(s: RegExp | string): Promise<string> {
    const r = await this.reply();
    assert.notEqual(r, null, `expected ${s} but the server closed the connection`);
    if (typeof s === 'string') assert.equal(r, s);
    else assert.match(r as string, s);
    return r as string;
  }

  async run(steps: Step[]): Promise<void> {
    for (const step of steps) {
      if (step.c !== undefined) this.write(`${step.c}\r\n`);
      if (step.raw !== undefined) this.write(step.raw);
      if (step.s === undefined) continue;
      for (const s of Array.isArray(step.s) ? step.s : [step.s]) await this.expect(s);
    }
  }

  /** Resolves when the server has closed the connection. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  /** Upgrades to TLS after a `220` reply to STARTTLS. */
  async startTls(): Promise<void> {
    this.sock.removeAllListeners('data');
    this.sock.removeAllListeners('close');
    this.buf = '';
    const t = tlsConnect({ socket: this.sock as Socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', () => resolve());
      t.once('error', reject);
    });
    this.sock = t;
    this.attach(t);
  }

  close(): void {
    this.sock.destroy();
  }
}
