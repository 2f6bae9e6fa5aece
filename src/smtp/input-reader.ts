/**
 * InputReader: pulls command lines and raw octets out of a socket, one consumer at a time.
 *
 * RFC 5321 §2.3.8 (lines end in CRLF), §4.5.3.1.4 (line length), RFC 2920 (pipelining: the
 * session flushes its replies whenever it has to wait for more input), RFC 3207 §4.2 (what
 * was pipelined after STARTTLS is discarded).
 * Security: all input is untrusted. The buffer is bounded: a line longer than the cap is
 * dropped up to its LF and reported, and the socket is paused while the session is busy and
 * the buffer is full, so a flooding client cannot grow memory without limit.
 */
import type { Duplex } from 'node:stream';

const EMPTY = Buffer.alloc(0);
/** Pause the socket when this much is buffered and unread. */
const HIGH_WATER = 256 * 1024;

export type WaitResult = 'data' | 'eof' | 'timeout';

export type LineResult =
  | { readonly kind: 'line'; readonly line: Buffer }
  | { readonly kind: 'too-long' }
  | { readonly kind: 'eof' }
  | { readonly kind: 'timeout' };

export class InputReader {
  private buf: Buffer = EMPTY;
  private stream: Duplex | null = null;
  private ended = false;
  private wake: ((r: WaitResult) => void) | null = null;
  private waitTimer: NodeJS.Timeout | undefined;
  private waitUntil = 0;
  /** End of the time allowed for the line being read (readLine), else Infinity. */
  private lineUntil = Number.POSITIVE_INFINITY;
  /** Called before the reader waits on the network, so pipelined replies go out together. */
  beforeWait: () => void = () => {};

  private readonly onData = (chunk: Buffer): void => {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.buf.length > HIGH_WATER) this.stream?.pause();
    this.notify('data');
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify('eof');
  };

  attach(stream: Duplex): void {
    this.stream = stream;
    this.ended = false;
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onEnd);
  }

  detach(): void {
    const s = this.stream;
    if (!s) return;
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onEnd);
    this.stream = null;
  }

  /** Octets received and not consumed yet. */
  get pending(): number {
    return this.buf.length;
  }

  /** Throws away everything buffered (STARTTLS, RFC 3207 §4.2). */
  discard(): void {
    this.buf = EMPTY;
  }

  /** Takes everything buffered, up to max octets. */
  take(max = Number.POSITIVE_INFINITY): Buffer {
    const out = this.buf.length <= max ? this.buf : this.buf.subarray(0, max);
    this.buf = this.buf.length <= max ? EMPTY : this.buf.subarray(max);
    if (this.buf.length < HIGH_WATER) this.stream?.resume();
    return out;
  }

  /** Puts back octets that a consumer read too far (the bytes after the end of DATA). */
  unshift(rest: Buffer): void {
    if (rest.length > 0) this.buf = this.buf.length === 0 ? rest : Buffer.concat([rest, this.buf]);
  }

  /** Waits until more input arrives, the peer closes, or the timeout fires. */
  wait(timeoutMs: number): Promise<WaitResult> {
    if (this.ended) return Promise.resolve('eof');
    this.beforeWait();
    this.stream?.resume();
    return new Promise((resolve) => {
      this.waitUntil = Date.now() + timeoutMs;
      this.waitTimer = setTimeout(() => this.notify('timeout'), timeoutMs);
      this.wake = (r) => {
        clearTimeout(this.waitTimer);
        resolve(r);
      };
    });
  }

  /**
   * The server came under stress: the wait in progress, and the line being read, end no later
   * than `ms` from now (a client already idling must not keep its long timeout).
   */
  shorten(ms: number): void {
    const until = Date.now() + ms;
    if (this.lineUntil > until) this.lineUntil = until;
    if (this.wake && this.waitUntil > until) {
      clearTimeout(this.waitTimer);
      this.waitUntil = until;
      this.waitTimer = setTimeout(() => this.notify('timeout'), ms);
    }
  }

  /**
   * Reads one line ending in LF (the CR before it, if any, is stripped by the caller's parser).
   * A line longer than max octets is discarded up to its LF and reported as too long.
   * `timeoutMs` is a deadline for the whole line, not for each read: a client trickling one
   * byte at a time (slowloris) cannot hold the session open past it.
   */
  async readLine(max: number, timeoutMs: number): Promise<LineResult> {
    this.lineUntil = Date.now() + timeoutMs;
    try {
      return await this.readLineUntilDeadline(max);
    } finally {
      this.lineUntil = Number.POSITIVE_INFINITY;
    }
  }

  private async readLineUntilDeadline(max: number): Promise<LineResult> {
    let skipping = false;
    for (;;) {
      const lf = this.buf.indexOf(10);
      if (lf >= 0) {
        if (skipping || lf + 1 > max) {
          this.take(lf + 1);
          return { kind: 'too-long' };
        }
        return { kind: 'line', line: this.take(lf + 1) };
      }
      if (this.buf.length > max) {
        // Drop what we have and keep dropping until the LF: we stay in step with the client.
        skipping = true;
        this.take();
      }
      const left = this.lineUntil - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      const w = await this.wait(left);
      if (w === 'timeout') return { kind: 'timeout' };
      if (w === 'eof' && this.buf.indexOf(10) < 0) return { kind: 'eof' };
    }
  }

  private notify(r: WaitResult): void {
    const w = this.wake;
    this.wake = null;
    w?.(r);
  }
}
