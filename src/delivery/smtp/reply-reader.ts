/**
 * Reads SMTP replies from a remote server, in order, one Reply per (multi-line) reply.
 *
 * RFC 5321 §4.2 (reply lines, "code-" continuation), §4.5.3.1.5 (reply line length).
 * Security: the remote is untrusted. Lines and replies are capped in length and count; a
 * reply that breaks the grammar is turned into a Reply (554) rather than thrown, and nothing
 * the remote sends is ever written back to the wire. Bare LF is accepted as a line end on
 * input only (lenient reading is harmless here; we are not the one deciding where data ends).
 */
import type { Socket } from 'node:net';
import { parseReplyLines, type Reply } from '../../core/reply.js';

const MAX_LINE = 4096;
const MAX_LINES = 100;

export type ReadResult =
  | { ok: true; reply: Reply; raw: string[] }
  | { ok: false; kind: 'timeout' | 'closed' | 'error'; detail: string };

interface Waiter {
  resolve: (r: ReadResult) => void;
  timer: NodeJS.Timeout | null;
}

export class ReplyReader {
  private buf = '';
  private lines: string[] = [];
  private ready: ReadResult[] = [];
  private waiters: Waiter[] = [];
  private failure: ReadResult | null = null;
  private socket: Socket | null = null;
  private readonly onData = (chunk: Buffer) => this.feed(chunk);
  private readonly onClose = () => this.fail('closed', 'connection closed by remote');
  private readonly onError = (err: Error) => this.fail('error', err.message);

  constructor(socket: Socket) {
    this.attach(socket);
  }

  /** Follows the conversation onto another socket (after STARTTLS). */
  attach(socket: Socket): void {
    this.detach();
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('end', this.onClose);
    socket.on('error', this.onError);
  }

  /** Stops reading (before handing the raw socket to TLS). Anything buffered is dropped. */
  detach(): void {
    if (!this.socket) return;
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.socket.off('end', this.onClose);
    this.socket.off('error', this.onError);
    this.socket = null;
    this.buf = '';
    this.lines = [];
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  /** True when the remote sent something we did not ask for (RFC 5321 §4.5.3.2: a 421 while idle). */
  get hasUnread(): boolean {
    return this.ready.length > 0 || this.buf.length > 0 || this.lines.length > 0;
  }

  /** The next reply, or why there is none within `timeoutMs`. */
  read(timeoutMs: number): Promise<ReadResult> {
    const next = this.ready.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) return Promise.resolve(this.failure);
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: null };
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve({ ok: false, kind: 'timeout', detail: `no reply within ${timeoutMs / 1000}s` });
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private deliver(r: ReadResult): void {
    const w = this.waiters.shift();
    if (!w) {
      this.ready.push(r);
      return;
    }
    if (w.timer) clearTimeout(w.timer);
    w.resolve(r);
  }

  private fail(kind: 'closed' | 'error', detail: string): void {
    if (this.failure) return;
    this.failure = { ok: false, kind, detail };
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve(this.failure);
    }
  }

  private feed(chunk: Buffer): void {
    // latin1 keeps every byte; reply text is ASCII by the RFC and UTF-8 only with SMTPUTF8.
    this.buf += chunk.toString('latin1');
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl < 0) break;
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      this.takeLine(Buffer.from(line, 'latin1').toString('utf8'));
    }
    if (this.buf.length > MAX_LINE) {
      this.fail('error', `reply line longer than ${MAX_LINE} octets`);
      this.socket?.destroy();
    }
  }

  private takeLine(line: string): void {
    this.lines.push(line.slice(0, MAX_LINE));
    const code = /^(\d{3})([ -]|$)/.exec(line);
    if (!code) {
      // Not a reply line: report what we got as a protocol error and resynchronise.
      const raw = this.lines.splice(0);
      this.deliver({ ok: true, reply: parseReplyLines([`554 ${raw.join(' ')}`]), raw });
      return;
    }
    if (code[2] === '-' && this.lines.length < MAX_LINES) return;
    const raw = this.lines.splice(0);
    this.deliver({ ok: true, reply: parseReplyLines(raw), raw });
  }
}
