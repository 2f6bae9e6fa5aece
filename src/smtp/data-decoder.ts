/**
 * DataDecoder: turns DATA content into the message, finding the end of data.
 *
 * RFC 5321 §4.1.1.4 (only <CR><LF>.<CR><LF> ends the content), §4.5.2 (dot-unstuffing),
 * §2.3.8 (bare CR and LF are not line ends). RFC 1870 (size limit while reading).
 * Security: this is where SMTP smuggling happens. The end marker is recognised only as a
 * line "." that follows a real CRLF and ends with a real CRLF; `\n.\n`, `\n.\r\n`,
 * `\r.\r\n`, `\r\n.\r` and `\r\n.\n` never end a message, even with bare_newline =
 * "normalize" (which turns a bare CR or LF into CRLF in the output only). Works on whole
 * chunks with indexOf; the state survives any split of the input into packets.
 */
import type { BareNewlinePolicy } from './options.js';

const CR = 13;
const LF = 10;
const DOT = 46;
const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

enum State {
  /** After a real CRLF (or the DATA command): a dot here is special. */
  LineStart = 0,
  /** Inside a line. */
  Mid = 1,
  /** After a CR inside a line (emitted already), waiting for its LF. */
  Cr = 2,
  /** After a dot at line start (dropped). */
  Dot = 3,
  /** After "." + CR at line start (both held back). */
  DotCr = 4,
}

export interface DecodeResult {
  /** The end marker was found; `rest` holds the octets after it (pipelined commands). */
  readonly done: boolean;
  readonly rest: Buffer;
}

export class DataDecoder {
  private state: State = State.LineStart;
  /** Message octets produced so far. */
  size = 0;
  tooBig = false;
  bareNewline = false;
  /** A text line longer than maxLineLength (RFC 5321 §4.5.3.1.6), when that is enforced. */
  lineTooLong = false;
  private lineLen = 0;

  constructor(
    private readonly maxSize: number,
    private readonly policy: BareNewlinePolicy,
    /** Receives message octets; not called any more once the message is invalid. */
    private readonly emit: (chunk: Buffer) => void,
    /** Longest text line in octets without CRLF; 0 = not enforced. */
    private readonly maxLineLength = 0,
  ) {}

  get invalid(): boolean {
    return this.tooBig || this.bareNewline || this.lineTooLong;
  }

  /** Feeds one chunk of input. */
  write(buf: Buffer): DecodeResult {
    let i = 0;
    let runStart = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case State.LineStart: {
          this.lineLen = 0;
          if (buf[i] === DOT) {
            this.out(buf.subarray(runStart, i));
            i++;
            runStart = i;
            this.state = State.Dot;
          } else {
            this.state = State.Mid;
          }
          break;
        }
        case State.Dot: {
          if (buf[i] === CR) {
            i++;
            runStart = i;
            this.state = State.DotCr;
          } else {
            // A stuffed dot: it stays dropped and the line goes on (a bare LF is handled in Mid).
            this.state = State.Mid;
          }
          break;
        }
        case State.DotCr: {
          if (buf[i] === LF) {
            return { done: true, rest: buf.subarray(i + 1) };
          }
          // ".<CR>x": the CR is a bare CR inside a line, never an end.
          this.bare('held-cr');
          this.state = State.Mid;
          break;
        }
        case State.Cr: {
          if (buf[i] === LF) {
            i++;
            this.state = State.LineStart;
          } else {
            // A bare CR: it belongs to the run already (this chunk or the last one).
            this.out(buf.subarray(runStart, i));
            runStart = i;
            this.bare('emitted-cr');
            this.state = State.Mid;
          }
          break;
        }
        case State.Mid: {
          const cr = buf.indexOf(CR, i);
          const lf = buf.indexOf(LF, i);
          this.countLine((cr < 0 ? (lf < 0 ? n : lf) : lf < 0 ? cr : Math.min(cr, lf)) - i);
          if (cr < 0 && lf < 0) {
            i = n;
            break;
          }
          if (lf < 0 || (cr >= 0 && cr < lf)) {
            i = cr + 1;
            this.state = State.Cr;
          } else {
            // Bare LF: no dot handling after it, so `\n.\r\n` cannot end the message.
            this.out(buf.subarray(runStart, lf));
            this.bare('lf');
            i = lf + 1;
            runStart = i;
          }
          break;
        }
      }
    }
    this.out(buf.subarray(runStart, n));
    return { done: false, rest: EMPTY };
  }

  private countLine(octets: number): void {
    this.lineLen += octets;
    if (this.maxLineLength > 0 && this.lineLen > this.maxLineLength) this.lineTooLong = true;
  }

  private out(chunk: Buffer): void {
    if (chunk.length === 0 || this.invalid) return;
    this.size += chunk.length;
    if (this.size > this.maxSize) {
      this.tooBig = true;
      return;
    }
    this.emit(chunk);
  }

  /**
   * A bare CR or LF (`emitted-cr`: the CR went out with its run; `held-cr`: it was held back
   * after a dot; `lf`: a bare LF, not emitted). With "normalize" the output gets a CRLF, but
   * the state stays Mid so the next line can never be the end marker.
   */
  private bare(kind: 'emitted-cr' | 'held-cr' | 'lf'): void {
    if (this.policy === 'reject') {
      this.bareNewline = true;
      return;
    }
    this.lineLen = 0;
    this.out(kind === 'emitted-cr' ? LF_ONLY : CRLF);
  }
}

const LF_ONLY = Buffer.from('\n');
