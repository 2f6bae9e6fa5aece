/**
 * The message body as it goes on the wire after DATA: every line ending CRLF, lines that
 * start with "." doubled, and "CRLF.CRLF" at the end. Streams the spooled file chunk by
 * chunk, so a large message is never held in memory.
 *
 * RFC 5321 §2.3.8 (lines end in CRLF; bare CR and LF must not be sent), §4.5.2 (transparency:
 * dot-stuffing), §4.1.1.4 (end of data), §4.5.3.1.6 (line length). Issue #7 (SMTP smuggling): a bare LF or CR in a
 * stored message becomes CRLF, so "\n.\n" can never end our DATA early at a remote that
 * accepts bare LF as a line end, nor can it be read differently by two servers.
 * Security: the body is untrusted content; every byte passes through this one state machine.
 */
import { createReadStream } from 'node:fs';

const CR = 13;
const LF = 10;
const DOT = 46;

/** RFC 5321 §4.5.3.1.6: 1000 octets with the CRLF; Postfix's smtp_line_length_limit is 998 too. */
export const MAX_LINE = 998;

/**
 * A resumable encoder; `push` takes raw chunks, `end` closes the message. A line longer than
 * `maxLine` octets is broken by inserting CRLF SPACE, as Postfix does: the remote sees a
 * continuation (harmless in headers, mostly harmless in bodies) instead of refusing the message.
 */
export class WireBodyEncoder {
  private atLineStart = true;
  private pendingCR = false;
  private col = 0;

  constructor(private readonly maxLine = MAX_LINE) {}

  push(chunk: Uint8Array): Buffer {
    const n = chunk.length;
    const max = this.maxLine;
    // Worst case: every byte doubles (dots at line starts, bare LFs), plus 3 per broken line.
    const out = Buffer.allocUnsafe(n * 2 + 4 + 3 * Math.ceil(n / Math.max(1, max - 1)));
    // State in locals: this loop runs once per byte of every message sent.
    let o = 0;
    let atLineStart = this.atLineStart;
    let pendingCR = this.pendingCR;
    let col = this.col;
    for (let i = 0; i < n; i++) {
      const b = chunk[i] as number;
      if (pendingCR) {
        pendingCR = false;
        out[o++] = CR;
        out[o++] = LF;
        atLineStart = true;
        col = 0;
        if (b === LF) continue; // CRLF proper
        // a bare CR ended the line; b starts the next one
      }
      if (b === CR) {
        pendingCR = true;
        continue;
      }
      if (b === LF) {
        out[o++] = CR;
        out[o++] = LF;
        atLineStart = true;
        col = 0;
        continue;
      }
      if (atLineStart) {
        if (b === DOT) {
          out[o++] = DOT;
          col++;
        }
        atLineStart = false;
      }
      if (col >= max) {
        out[o++] = CR;
        out[o++] = LF;
        out[o++] = 32; // continuation: a line starting with a space needs no dot-stuffing
        col = 1;
      }
      out[o++] = b;
      col++;
    }
    this.atLineStart = atLineStart;
    this.pendingCR = pendingCR;
    this.col = col;
    return out.subarray(0, o);
  }

  /** The closing bytes: a CRLF if the last line was unterminated, then ".CRLF". */
  end(): Buffer {
    let tail = '';
    if (this.pendingCR) {
      this.pendingCR = false;
      tail += '\r\n';
      this.atLineStart = true;
    }
    if (!this.atLineStart) tail += '\r\n';
    this.atLineStart = true;
    this.col = 0;
    return Buffer.from(`${tail}.\r\n`, 'latin1');
  }
}

/** Encodes a whole buffer at once (small messages, tests). */
export function encodeWireBody(raw: Uint8Array): Buffer {
  const enc = new WireBodyEncoder();
  return Buffer.concat([enc.push(raw), enc.end()]);
}

/** Streams the spooled file as wire chunks, the terminating ".CRLF" included. */
export async function* wireBodyChunks(bodyPath: string, highWaterMark = 64 * 1024): AsyncGenerator<Buffer> {
  const enc = new WireBodyEncoder();
  for await (const chunk of createReadStream(bodyPath, { highWaterMark })) {
    const out = enc.push(chunk as Buffer);
    if (out.length > 0) yield out;
  }
  yield enc.end();
}
