/**
 * The DATA-stage step that applies mail authentication to a spooled message, shaped as the
 * queue intake's `beforeCommit(file, envelope)` hook: it removes forged
 * `Authentication-Results:` fields (RFC 8601 §5); for mail on the mx listener from
 * unauthenticated, untrusted clients it verifies SPF/DKIM/DMARC (verify.ts), prepends our
 * `Authentication-Results:` (and `X-Mailward-Quarantine:` for DMARC quarantine), and returns
 * `550 5.7.1` for an enforced DMARC `p=reject` failure; for mail from our own side
 * (authenticated or trusted clients) it prepends a DKIM-Signature when we hold a key
 * (RFC 6376 §5, sign.ts), so the spool holds the signed message and retries do not re-sign.
 * The file is rewritten in place (new file, fsync, rename), streaming the body: only the
 * header section is held in memory.
 * Security: the file holds client input. Forged results are removed from every SMTP message,
 * also from authenticated submissions, since local recipients read them; so is any
 * `X-Mailward-Quarantine:` that came with it, since local delivery files by that mark (Junk).
 * A failure inside the checks is logged and the message is accepted unmarked (fail open): a library fault must not
 * defer all inbound mail, and an unmarked message is no worse than one before this module.
 * Only our own side's mail is signed (authenticated or trusted clients): an outsider's message
 * never gets our signature, whatever its From says.
 */
import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { formatAddress } from '../core/address.js';
import type { Envelope } from '../core/envelope.js';
import type { Reply } from '../core/reply.js';
import type { SpooledFile } from '../queue/intake.js';
import { QUARANTINE_FIELD, stripForgedAuthResults, stripQuarantineMark } from './auth-results.js';
import type { OutboundSigner } from './sign.js';
import { type DnsResolve, type InboundVerdict, verifyInbound } from './verify.js';

export interface IntakeStepDeps {
  /** Our hostname: authserv-id of the header we add and of the forged ones we remove. */
  readonly hostname: string;
  readonly resolver: DnsResolve;
  /** Config section `mailauth` (the keys used here). */
  readonly config: {
    readonly verify_inbound: boolean;
    readonly dmarc_enforce: boolean;
    readonly add_authentication_results: boolean;
  };
  /** Whether a client IP is in trusted_networks (its mail is not checked). */
  readonly isTrusted: (ip: string) => boolean;
  /** Signs mail from authenticated or trusted clients (createOutboundSigner); none: no signing. */
  readonly signer?: OutboundSigner;
  readonly log?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  readonly random?: () => number;
}

export type BeforeCommit = (file: string, envelope: Envelope, spooled?: SpooledFile) => Promise<Reply | undefined>;

/** Whether a message gets SPF/DKIM/DMARC checks: outside mail on the mx listener only. */
export function needsVerification(envelope: Envelope, isTrusted: (ip: string) => boolean): boolean {
  const c = envelope.client;
  return c.role === 'mx' && c.authUser === null && !isTrusted(c.ip);
}

export function createMailauthIntakeStep(deps: IntakeStepDeps): BeforeCommit {
  return async (file, envelope, spooled) => {
    const { headers, headerLength } = (spooled && headerInHead(spooled)) ?? (await readHeaderSection(file));
    const stripped = stripQuarantineMark(stripForgedAuthResults(headers, deps.hostname));
    const mailFrom = formatAddress(envelope.from);
    const outside = needsVerification(envelope, deps.isTrusted);
    let verdict: InboundVerdict | null = null;
    if (deps.config.verify_inbound && outside) {
      try {
        verdict = await verifyInbound({
          message: createReadStream(file),
          ip: envelope.client.ip,
          helo: envelope.client.helo,
          mailFrom,
          hostname: deps.hostname,
          resolver: deps.resolver,
          enforceDmarc: deps.config.dmarc_enforce,
          random: deps.random,
        });
      } catch (err) {
        deps.log?.warn({ err, ip: envelope.client.ip }, 'mail authentication failed; message accepted unmarked');
      }
    }
    if (verdict?.reject) {
      deps.log?.info({ ip: envelope.client.ip, results: verdict.results }, 'message refused by DMARC policy');
      return verdict.reject;
    }
    let added = '';
    if (verdict && deps.config.add_authentication_results) added += verdict.header;
    if (verdict?.quarantine) {
      const from = (verdict.results.fromDomain ?? 'unknown').replace(/[^A-Za-z0-9.-]/g, '?');
      added += `${QUARANTINE_FIELD}: dmarc=fail policy=${verdict.results.dmarcPolicy} header.from=${from}\r\n`;
    }
    if (!outside && deps.signer) {
      try {
        const body = () => Readable.from(concatStreams(stripped, file, headerLength));
        const signature = await deps.signer.signatureFor(stripped, body, mailFrom);
        if (signature) added = signature.header + added;
      } catch (err) {
        // A broken key must not stop mail: it goes out unsigned and the log says why.
        deps.log?.warn({ err }, 'DKIM signing failed; message queued unsigned');
      }
    }
    if (added === '' && stripped === headers) return undefined; // nothing to change: no rewrite
    const size = await rewriteHeader(file, Buffer.concat([Buffer.from(added, 'latin1'), stripped]), headerLength);
    spooled?.resized(size);
    return undefined;
  };
}

/** The message as it will be spooled: the new header section, then the file's octets after the old one. */
async function* concatStreams(header: Buffer, file: string, headerLength: number): AsyncGenerator<Buffer> {
  yield header;
  for await (const chunk of createReadStream(file, { start: headerLength, highWaterMark: 256 * 1024 })) {
    yield chunk as Buffer;
  }
}

/**
 * Reads the file up to and including the blank line that ends the header section (or all of
 * it). Each chunk is searched once, with the last 3 octets of the one before (a CRLFCRLF may
 * straddle two chunks), so a huge header without a blank line costs linear time, not quadratic.
 */
async function readHeaderSection(file: string): Promise<{ headers: Buffer; headerLength: number }> {
  const chunks: Buffer[] = [];
  let total = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const buf = chunk as Buffer;
    const end = headerEnd(Buffer.concat([tail, buf]));
    if (end >= 0) {
      const length = total - tail.length + end;
      chunks.push(buf);
      return { headers: Buffer.concat(chunks).subarray(0, length), headerLength: length };
    }
    chunks.push(buf);
    total += buf.length;
    tail = Buffer.concat([tail, buf]).subarray(-3);
  }
  const all = Buffer.concat(chunks);
  return { headers: all, headerLength: all.length };
}

/** The header section from what the intake kept in memory, or null when it does not hold all of it. */
function headerInHead(s: SpooledFile): { headers: Buffer; headerLength: number } | null {
  const end = headerEnd(s.head);
  if (end >= 0) return { headers: s.head.subarray(0, end), headerLength: end };
  // no blank line: the whole file is header, if the head is the whole file
  return s.head.length === s.size ? { headers: s.head, headerLength: s.size } : null;
}

function headerEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/**
 * Writes `header` + the file's octets after `headerLength` to a new file, fsyncs, renames over.
 * Returns the new file's size.
 */
async function rewriteHeader(file: string, header: Buffer, headerLength: number): Promise<number> {
  const next = `${file}.auth`;
  const fh = await open(next, 'w', 0o600);
  let size = 0;
  try {
    for await (const chunk of concatStreams(header, file, headerLength)) {
      await fh.write(chunk);
      size += chunk.length;
    }
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(next).catch(() => {});
    throw err;
  }
  await fh.close();
  await rename(next, file);
  return size;
}
