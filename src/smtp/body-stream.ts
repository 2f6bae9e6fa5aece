/**
 * BodySink: hands a message body to hooks.onData as a Readable while it arrives.
 *
 * RFC 5321 §4.1.1.4 / RFC 3030 §2: the reply to the end of data is sent only after the sink
 * says the message is safe; the body is streamed, never held whole in memory. Backpressure:
 * when the stream is full the session waits before reading more from the socket (which then
 * pauses itself), unless the sink has already answered and stopped reading.
 */
import { Readable } from 'node:stream';
import type { Envelope } from '../core/envelope.js';
import type { Reply } from '../core/reply.js';
import type { SessionHooks, SessionView } from './hooks.js';
import { replies } from './replies.js';

export class BodySink {
  readonly stream: Readable;
  readonly result: Promise<Reply | 'failed'>;
  received = 0;
  private settled = false;
  private drained: (() => void) | null = null;
  private full = false;

  constructor(hooks: SessionHooks, view: SessionView, envelope: Envelope, onThrow: (err: unknown) => void) {
    this.stream = new Readable({
      read: () => {
        this.full = false;
        const d = this.drained;
        this.drained = null;
        d?.();
      },
    });
    // Destroying with an error must never crash the process when the sink did not listen.
    this.stream.on('error', () => {});
    let p: Promise<Reply | 'failed'>;
    if (hooks.onData) {
      try {
        p = hooks.onData(view, envelope, this.stream).then(
          (r) => r,
          (err) => {
            onThrow(err);
            return 'failed' as const;
          },
        );
      } catch (err) {
        onThrow(err);
        p = Promise.resolve('failed');
      }
    } else {
      this.stream.resume();
      p = new Promise((resolve) => this.stream.on('close', () => resolve(replies.queuedWithoutSink())));
    }
    this.result = p.finally(() => {
      this.settled = true;
      const d = this.drained;
      this.drained = null;
      d?.();
    });
  }

  /** Adds message octets (dropped once the sink has answered). */
  push(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.settled || this.stream.destroyed) return;
    if (!this.stream.push(chunk)) this.full = true;
  }

  /** Resolves when the consumer wants more, or has stopped listening for good. */
  async ready(): Promise<void> {
    if (!this.full || this.settled || this.stream.destroyed) return;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
    });
  }

  end(): void {
    if (!this.stream.destroyed) this.stream.push(null);
  }

  /** The body is invalid or the client went away: the sink must discard what it wrote. */
  abort(reason: string): void {
    if (!this.stream.destroyed) this.stream.destroy(new Error(reason));
  }
}
