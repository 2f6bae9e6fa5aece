/**
 * The DKIM key store: one RSA 2048 key pair per domain and selector, on disk under
 * `<data_dir>/dkim/<domain>.<selector>.key` (PKCS#8 PEM, mode 0600) with the DNS record to
 * publish beside it in `<domain>.<selector>.txt`. RFC 6376 §3.6.1 (key record `v=DKIM1; k=rsa;
 * p=…`), §3.6.2.2 (a TXT record longer than 255 octets is several character-strings),
 * RFC 8301 §3.2 (RSA keys of at least 1024 bits; 2048 is what receivers expect today).
 * Security: private keys never leave the store except to the signer; files are created with
 * O_EXCL (never overwriting a published key) and mode 0600 in a 0700 directory. Domain and
 * selector are checked before they become file names, so no path can escape the directory.
 */
import { generateKeyPair } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDomain } from '../core/address.js';

export const DEFAULT_SELECTOR = 'mailward';

export interface SigningKey {
  readonly domain: string;
  readonly selector: string;
  readonly privateKeyPem: string;
}

export interface GeneratedKey extends SigningKey {
  /** The TXT record value: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`. */
  readonly record: string;
  /** Zone-file line: `<selector>._domainkey.<domain>. IN TXT "…" "…"`. */
  readonly zoneLine: string;
  readonly keyFile: string;
  readonly txtFile: string;
}

export type GenerateResult =
  | { readonly ok: true; readonly key: GeneratedKey }
  | { readonly ok: false; readonly error: string };

const SELECTOR = /^[a-z0-9_-]{1,63}$/;

export function dkimDir(dataDir: string): string {
  return join(dataDir, 'dkim');
}

/** Creates and stores a key pair; refuses to replace an existing one (its record may be published). */
export async function generateDkimKey(
  dataDir: string,
  domain: string,
  selector: string = DEFAULT_SELECTOR,
): Promise<GenerateResult> {
  const d = keyDomain(domain);
  if (!d) return { ok: false, error: `invalid domain "${domain}"` };
  const s = selector.toLowerCase();
  if (!SELECTOR.test(s)) return { ok: false, error: `invalid selector "${selector}": expected one DNS label` };

  // Async: generation takes 0.1–1 s of CPU, which must not stall a running server.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const record = `v=DKIM1; k=rsa; p=${spki}`;
  const zoneLine = formatZoneLine(s, d, record);

  const dir = dkimDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, `${d}.${s}.key`);
  const txtFile = join(dir, `${d}.${s}.txt`);
  try {
    await writeFile(keyFile, privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return { ok: false, error: `a key for ${d} with selector ${s} exists already (${keyFile})` };
    }
    throw err;
  }
  // The umask may have narrowed the mode further, never widened it; make it exact anyway.
  await chmod(keyFile, 0o600);
  await writeFile(txtFile, `${zoneLine}\n`, { mode: 0o644 });
  listings.delete(dir);
  return { ok: true, key: { domain: d, selector: s, privateKeyPem, record, zoneLine, keyFile, txtFile } };
}

/** `<selector>._domainkey.<domain>. IN TXT "…" "…"`, the record cut into 255-octet strings. */
export function formatZoneLine(selector: string, domain: string, record: string): string {
  const parts: string[] = [];
  for (let i = 0; i < record.length; i += 255) parts.push(`"${record.slice(i, i + 255)}"`);
  return `${selector}._domainkey.${domain}. IN TXT ${parts.join(' ')}`;
}

/**
 * The key directory's listing, read at most once a second: the server asks for every message
 * it signs or checks, and a key made by `mailward dkim generate` is seen within that second.
 */
const LISTING_TTL_MS = 1000;
const listings = new Map<string, { readonly at: number; readonly names: Promise<string[]> }>();

function keyFileNames(dir: string): Promise<string[]> {
  const now = Date.now();
  const cached = listings.get(dir);
  if (cached && now - cached.at < LISTING_TTL_MS) return cached.names;
  const names = readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    listings.delete(dir);
    throw err;
  });
  listings.set(dir, { at: now, names });
  return names;
}

/** The selectors stored for a domain, sorted. */
export async function listSelectors(dataDir: string, domain: string): Promise<string[]> {
  const d = keyDomain(domain);
  if (!d) return [];
  const names = await keyFileNames(dkimDir(dataDir));
  const prefix = `${d}.`;
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.key'))
    .map((n) => n.slice(prefix.length, -'.key'.length))
    .filter((s) => SELECTOR.test(s)) // a dot left over means another (sub)domain's file
    .sort();
}

/**
 * The signing key for a domain, or null when we hold none. With several selectors the
 * preferred one wins, else the first in sort order.
 */
export async function loadSigningKey(
  dataDir: string,
  domain: string,
  preferredSelector: string = DEFAULT_SELECTOR,
): Promise<SigningKey | null> {
  const d = keyDomain(domain);
  if (!d) return null;
  const selectors = await listSelectors(dataDir, d);
  const selector = selectors.includes(preferredSelector.toLowerCase()) ? preferredSelector.toLowerCase() : selectors[0];
  if (!selector) return null;
  const privateKeyPem = await readFile(join(dkimDir(dataDir), `${d}.${selector}.key`), 'utf8');
  return { domain: d, selector, privateKeyPem };
}

/** The stored zone line for a domain and selector, or null. */
export async function readDnsRecord(dataDir: string, domain: string, selector: string): Promise<string | null> {
  const d = keyDomain(domain);
  if (!d || !SELECTOR.test(selector)) return null;
  try {
    return (await readFile(join(dkimDir(dataDir), `${d}.${selector}.txt`), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A domain in key form (lower-case A-label, no trailing dot), or null; literals are not signing domains. */
export function keyDomain(domain: string): string | null {
  const p = parseDomain(domain.trim().replace(/\.$/, ''));
  if (!p.ok || p.value.literal) return null;
  const d = p.value.domain.toLowerCase();
  return /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/.test(d) && !d.includes('..') ? d : null;
}
