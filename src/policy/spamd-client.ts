/**
 * spamd client: asks SpamAssassin's spamd whether a message is spam.
 *
 * Protocol (spamd/PROTOCOL in the SpamAssassin sources): the client sends
 * `SYMBOLS SPAMC/1.5`, `Content-length: N`, optionally `User: name`, an empty line and the
 * message; spamd answers `SPAMD/1.1 0 EX_OK`, `Spam: True ; 15.0 / 5.0`, an empty line and
 * (for SYMBOLS) the comma-separated names of the rules that hit, then closes.
 * Security: the answer comes from another process over TCP; it is read up to a size limit
 * and a deadline, and anything that does not parse is an error, never a verdict.
 */
import { connect } from 'node:net';

export type SpamdResult =
  | {
      readonly kind: 'verdict';
      readonly spam: boolean;
      readonly score: number;
      readonly threshold: number;
      readonly symbols: readonly string[];
    }
  | { readonly kind: 'error'; readonly why: string };

export interface SpamdOptions {
  host: string;
  port: number;
  timeoutMs: number;
  /** `User:` header; empty sends none. */
  user?: string;
}

const MAX_ANSWER = 64 * 1024;

/** Parses a complete spamd answer; exported for tests. */
export function parseSpamdAnswer(raw: string): SpamdResult {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? raw : raw.slice(0, headEnd);
  const body = headEnd < 0 ? '' : raw.slice(headEnd + 4);
  const [status = '', ...headers] = head.split('\r\n');
  const sm = /^SPAMD\/\d+\.\d+ (\d+) (.*)$/.exec(status);
  if (!sm) return { kind: 'error', why: `bad status line: ${status.slice(0, 80)}` };
  if (sm[1] !== '0') return { kind: 'error', why: `spamd error ${sm[1]} ${sm[2]}` };
  for (const h of headers) {
    const m = /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?\d+(?:\.\d+)?)\s*\/\s*(-?\d+(?:\.\d+)?)\s*$/i.exec(h);
    if (m) {
      const symbols = body
        .trim()
        .split(',')
        .map((s) => s.trim())
        .filter((s) => /^[A-Za-z0-9_]+$/.test(s));
      return {
        kind: 'verdict',
        spam: /^(true|yes)$/i.test(m[1] as string),
        score: Number(m[2]),
        threshold: Number(m[3]),
        symbols,
      };
    }
  }
  return { kind: 'error', why: 'no Spam: header in answer' };
}

/** One SYMBOLS request. Never throws: network trouble is an `error` result. */
export function askSpamd(message: Buffer, opts: SpamdOptions): Promise<SpamdResult> {
  return new Promise((resolve) => {
    let done = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect({ host: opts.host, port: opts.port });
    const finish = (r: SpamdResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ kind: 'error', why: `no answer within ${opts.timeoutMs} ms` }),
      opts.timeoutMs,
    );
    socket.on('connect', () => {
      const user = opts.user && /^[\w.@+-]+$/.test(opts.user) ? `User: ${opts.user}\r\n` : '';
      socket.write(`SYMBOLS SPAMC/1.5\r\nContent-length: ${message.length}\r\n${user}\r\n`);
      // No half-close: spamd reads exactly Content-length bytes, and some peers close on FIN.
      socket.write(message);
    });
    socket.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_ANSWER) return finish({ kind: 'error', why: 'answer too large' });
      chunks.push(b);
    });
    socket.on('end', () => finish(parseSpamdAnswer(Buffer.concat(chunks).toString('latin1'))));
    socket.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'error', why: err.code ?? err.message }));
  });
}
