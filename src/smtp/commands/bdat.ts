/**
 * BDAT (RFC 3030 §2-§4, CHUNKING): `BDAT <size> [LAST]`, followed by exactly <size> octets.
 * The chunks of one transaction are streamed as one body to hooks.onData; the reply to
 * `BDAT … LAST` comes after the sink says "safe". RFC 2920: BDAT LAST ends a command group.
 * The octets are always read, even when the command is refused, so the session stays in
 * step; only an unparsable size (framing lost) closes the connection.
 * Security: no dot or end-marker handling applies, so nothing inside a chunk is ever read
 * as a command; the size limit is enforced across chunks while reading.
 */
import type { Reply } from '../../core/reply.js';
import { BodySink } from '../body-stream.js';
import { replies } from '../replies.js';
import type { Session } from '../session.js';
import { dataTimeout } from '../session-context.js';
import { envelopeOf } from '../transaction.js';

/** Reads and drops `n` octets; false when the client went away. */
async function skip(s: Session, n: number): Promise<boolean> {
  return readChunk(s, n, () => {});
}

async function readChunk(s: Session, n: number, onChunk: (b: Buffer) => void | Promise<void>): Promise<boolean> {
  let left = n;
  while (left > 0) {
    if (s.reader.pending === 0) {
      const w = await s.reader.wait(dataTimeout(s.ctx));
      if (w === 'timeout') s.close(replies.timeout(s.ctx.hostname));
      if (w !== 'data') return false;
      continue;
    }
    const b = s.reader.take(left);
    left -= b.length;
    await onChunk(b);
  }
  return true;
}

export async function bdat(s: Session, arg: string): Promise<void> {
  const m = /^(\d{1,15})(?: +(LAST))? *$/i.exec(arg);
  if (!m) {
    // Without a size we cannot find the end of the chunk: the stream is out of step.
    return s.close(replies.syntax('BDAT <size> [LAST]'));
  }
  const size = Number(m[1]);
  const last = m[2] !== undefined;
  const tx = s.tx;
  let refusal: Reply | null = null;
  if (!tx) refusal = replies.badSequence('need MAIL command');
  else if (tx.rcpts.length === 0) refusal = replies.noValidRecipients();
  if (refusal || !tx) {
    if (await skip(s, size)) s.send(refusal ?? replies.badSequence());
    else if (!s.closing) s.drop();
    return;
  }
  const { limits } = s.ctx;
  const sink =
    tx.bdat ?? new BodySink(s.ctx.hooks, s.view, envelopeOf(tx, s.client), (err) => s.logHookError('onData', err));
  tx.bdat = sink;
  let tooBig = false;
  const ok = await readChunk(s, size, async (b) => {
    if (tooBig || sink.received + b.length > limits.maxMessageSize) {
      tooBig = true;
      return;
    }
    sink.push(b);
    await sink.ready();
  });
  if (!ok) {
    sink.abort('client went away during BDAT');
    if (!s.closing) s.drop();
    return;
  }
  if (tooBig) {
    // RFC 3030 §2: the transaction is over; later chunks get 503 and are read and dropped.
    sink.abort('message too big');
    await sink.result;
    s.tx = null;
    s.log('data-refused', { tooBig: true });
    return s.send(replies.messageTooBig());
  }
  if (!last) return s.send(replies.chunkOk(size));
  s.tx = null;
  sink.end();
  const result = await sink.result;
  s.log('data', { size: sink.received, chunked: true });
  s.send(result === 'failed' ? replies.internalError() : result);
}
