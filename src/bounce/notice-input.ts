/**
 * The input every notice builder takes (failure, delay, success): the original message,
 * the recipients it reports on with their outcomes, and the injected advice sentence.
 *
 * RFC 3464 §2.2 (per-message fields) and §2.3 (per-recipient fields) are filled from these.
 */
import { open, readFile } from 'node:fs/promises';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import type { Reply } from '../core/reply.js';
import { headerSection } from './mime.js';

/** One sentence of advice for a reply; the default comes from src/explain (advice-from-explain.ts). */
export type Advise = (reply: Reply) => string;

export interface NoticeOriginal {
  /** The whole message, or only its header section when it was too large to load (then give `size`). */
  readonly raw: Buffer;
  /** Size of the whole message in bytes; defaults to `raw.length`. */
  readonly size?: number;
  /** Envelope sender (key form), who receives the notice. */
  readonly from: string;
  readonly arrivalDate: Date;
  /** RFC 3461 §4.4 ENVID, xtext-decoded. */
  readonly envid?: string;
  /** RFC 3461 §4.3 RET. */
  readonly ret?: 'FULL' | 'HDRS';
}

export interface NoticeRecipient {
  readonly outcome: DeliveryOutcome;
  /** RFC 3461 §4.2 ORCPT as given, `rfc822;user@example.com` (xtext-decoded). */
  readonly orcpt?: string;
  readonly lastAttempt: Date;
  /** Still deferred when the queue lifetime ran out: reported as failed with status 4.4.7. */
  readonly expired?: boolean;
}

export interface NoticeInput {
  /** Our host name: the notice comes from MAILER-DAEMON@hostname. */
  readonly hostname: string;
  /** Reporting-MTA name (usually the hostname). */
  readonly reportingMta: string;
  readonly original: NoticeOriginal;
  readonly recipients: readonly NoticeRecipient[];
  /** bounce.max_original_size: larger originals are returned as headers only. */
  readonly maxOriginalSize: number;
  readonly now: Date;
  /** Message-ID for the notice, with angle brackets: `<id@hostname>`. */
  readonly messageId: string;
  readonly advise: Advise;
  /** Header To of the notice; defaults to original.from (the postmaster copy sets it). */
  readonly to?: string;
}

/**
 * Loads an original for a notice from the spool: all of it when it fits `maxOriginalSize`,
 * otherwise only its header section (read in chunks until the empty line, capped at 1 MB).
 */
export async function readOriginal(path: string, maxOriginalSize: number): Promise<{ raw: Buffer; size: number }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size <= maxOriginalSize) return { raw: await readFile(fh), size };
    const chunks: Buffer[] = [];
    let pos = 0;
    const buf = Buffer.alloc(64 * 1024);
    while (pos < size && pos < 1024 * 1024) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      pos += bytesRead;
      const head = headerSection(Buffer.concat(chunks));
      if (head.length < pos) return { raw: Buffer.from(head), size };
    }
    return { raw: headerSection(Buffer.concat(chunks)), size };
  } finally {
    await fh.close();
  }
}
