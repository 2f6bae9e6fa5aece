/**
 * Reads the header section of a spooled message and tells whether a `Delivered-To:` field
 * already names the recipient: the message has been here before, so delivering it again
 * would loop (Postfix local(8)/virtual(8) "mail forwarding loop", 5.4.6).
 * RFC 5322 §2.2 (header fields, folding), §2.1 (the blank line ends the header).
 * Security: the message is untrusted; at most MAX_HEADER bytes are read.
 */
import { createReadStream } from 'node:fs';

const MAX_HEADER = 1024 * 1024;

export async function readHeaderSection(bodyPath: string): Promise<string> {
  let text = '';
  for await (const chunk of createReadStream(bodyPath, { highWaterMark: 16 * 1024, end: MAX_HEADER - 1 })) {
    text += (chunk as Buffer).toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    if (end >= 0) return text.slice(0, end + 1);
  }
  return text;
}

/** The unfolded values of every field with this name (case-insensitive). */
export function headerValues(header: string, name: string): string[] {
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const prefix = `${name.toLowerCase()}:`;
  return unfolded
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim());
}

export async function hasDeliveredTo(bodyPath: string, rcpt: string): Promise<boolean> {
  return deliveredToNames(await readHeaderSection(bodyPath), rcpt);
}

/** Whether a `Delivered-To:` field of this header section names the recipient. */
export function deliveredToNames(header: string, rcpt: string): boolean {
  const want = rcpt.toLowerCase();
  const values = headerValues(header, 'Delivered-To');
  return values.some((v) => v.replace(/^<|>$/g, '').trim().toLowerCase() === want);
}
