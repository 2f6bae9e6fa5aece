/**
 * Where a user's Maildir lives: `<root>/<domain>/<local>/Maildir`.
 * Security: the address decides a path on disk. Both parts are encoded so that no address,
 * however it was quoted at intake, can leave the mail root: "/", "\", NUL, control bytes, "%"
 * and a leading "." become %HH, so "..", "." and "a/../../x" are plain names.
 */
import { join } from 'node:path';

function safeName(part: string): string {
  let out = '';
  for (const ch of part) {
    const code = ch.codePointAt(0) as number;
    const unsafe = ch === '/' || ch === '\\' || ch === '%' || ch === ':' || code < 32 || code === 127;
    out += unsafe ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  if (out.startsWith('.')) out = `%2E${out.slice(1)}`;
  return out === '' ? '%00' : out;
}

export function mailboxDir(root: string, address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  return join(root, safeName(domain), safeName(local), 'Maildir');
}
