/**
 * DATA (RFC 5321 §4.1.1.4, §4.5.2): `354`, then the content up to <CR><LF>.<CR><LF>,
 * streamed dot-unstuffed to hooks.onData; the reply comes after the sink says "safe".
 * RFC 2920 §3.1: DATA ends a pipelined group. Content that arrives before our `354` is
 * refused with `554 5.5.0` and the connection closed, as Exim does: a client that does not
 * wait cannot be kept in step, and its content must never be read as commands.
 * Security: end-of-data detection is in data-decoder.ts (the smuggling family). An invalid
 * body (too big, bare CR/LF) is read to its end, the stream destroyed, and our reply sent.
 */

import { BodySink } from '../body-stream.js';
import { DataDecoder } from '../data-decoder.js';
import { replies } from '../replies.js';
import type { Session } from '../session.js';
import { dataTimeout } from '../session-context.js';
import { envelopeOf } from '../transaction.js';

export async function data(s: Session, arg: string): Promise<void> {
  const tx = s.tx;
  if (arg !== '') return s.send(replies.syntax('DATA'));
  if (!tx) return s.send(replies.badSequence('need MAIL command'));
  if (tx.bdat) return s.send(replies.badSequence('DATA after BDAT'));
  if (tx.rcpts.length === 0) return s.send(replies.noValidRecipients());
  if (s.reader.pending > 0) {
    s.log('pipelined-data');
    return s.close(replies.pipelinedData());
  }
  const { limits } = s.ctx;
  const sink = new BodySink(s.ctx.hooks, s.view, envelopeOf(tx, s.client), (err) => s.logHookError('onData', err));
  const decoder = new DataDecoder(
    limits.maxMessageSize,
    limits.bareNewline,
    (chunk) => sink.push(chunk),
    limits.maxTextLineLength,
  );
  s.send(replies.startData());
  s.flush();
  s.tx = null;
  let aborted = false;
  for (;;) {
    if (s.reader.pending === 0) {
      const w = await s.reader.wait(dataTimeout(s.ctx));
      if (w !== 'data') {
        sink.abort(`client ${w} during DATA`);
        sink.result.catch(() => {});
        if (w === 'timeout') s.close(replies.timeout(s.ctx.hostname));
        else s.drop();
        return;
      }
      continue;
    }
    const r = decoder.write(s.reader.take());
    if (decoder.invalid && !aborted) {
      aborted = true;
      sink.abort(decoder.tooBig ? 'message too big' : decoder.bareNewline ? 'bare newline' : 'line too long');
    }
    if (r.done) {
      s.reader.unshift(r.rest);
      break;
    }
    await sink.ready();
  }
  if (aborted) {
    await sink.result;
    s.log('data-refused', { size: decoder.size, tooBig: decoder.tooBig, bareNewline: decoder.bareNewline });
    if (decoder.tooBig) return s.send(replies.messageTooBig());
    if (decoder.bareNewline) return s.send(replies.bareNewline());
    return s.send(replies.textLineTooLong(limits.maxTextLineLength));
  }
  sink.end();
  const result = await sink.result;
  s.log('data', { size: decoder.size });
  s.send(result === 'failed' ? replies.internalError() : result);
}
