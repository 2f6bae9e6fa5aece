/**
 * Outbound DKIM signing (RFC 6376 §5): `signMessage` prepends a `DKIM-Signature:` made by the
 * `mailauth` library (rsa-sha256, relaxed/relaxed); `chooseSigningKey` decides which of our
 * keys signs; `createOutboundSigner` wires both to the key store for the delivery side, so
 * user mail, bounces and vacation replies are all signed (receivers drop unsigned mail from
 * the null sender). The d= domain follows RFC 7489 §3.1.1 alignment: the From domain first.
 * Security: the message is ours or our user's (signing happens after submission policy let it
 * in); only the header is read, to find From. The private key is passed to the signer only.
 */
import type { Readable } from 'node:stream';
import { dkimSign } from 'mailauth';
import { splitHeaderSection } from './auth-results.js';
import { DEFAULT_SELECTOR, keyDomain, loadSigningKey, type SigningKey } from './keys.js';

/** The `DKIM-Signature:` field (folded, ending in CRLF) for a message, made with one key. */
export async function dkimSignatureFor(
  message: Buffer | Readable,
  keys: { domain: string; selector: string; privateKeyPem: string },
  signTime: Date = new Date(),
): Promise<string> {
  const options = {
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
    signTime,
    signatureData: [{ signingDomain: keys.domain, selector: keys.selector, privateKey: keys.privateKeyPem }],
  };
  // mailauth's typings demand top-level key fields, but its signer reads only signatureData.
  const result = await dkimSign(message, options as unknown as Parameters<typeof dkimSign>[1]);
  // A signing error means a broken key file: a fault to report, not a message outcome.
  if (result.errors.length) throw new Error(`DKIM signing for ${keys.domain} failed: ${String(result.errors[0])}`);
  return result.signatures;
}

/** Signs `raw` with one key and returns the message with its DKIM-Signature on top. */
export async function signMessage(
  raw: Buffer,
  keys: { domain: string; selector: string; privateKeyPem: string },
  signTime: Date = new Date(),
): Promise<Buffer> {
  return Buffer.concat([Buffer.from(await dkimSignatureFor(raw, keys, signTime), 'latin1'), raw]);
}

/** The domain of the first address in the From header, lower case, or null. */
export function fromHeaderDomain(raw: Buffer): string | null {
  const { headers } = splitHeaderSection(raw);
  const text = headers.toString('latin1');
  const m = /(?:^|\n)from[ \t]*:((?:[^\n]*)(?:\n[ \t][^\n]*)*)/i.exec(text);
  if (!m?.[1]) return null;
  const value = m[1].replace(/\r?\n/g, '').replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
  const angle = /<([^<>]*)>/.exec(value);
  const addr = (angle?.[1] ?? value.split(',')[0] ?? '').trim();
  const at = addr.lastIndexOf('@');
  return at >= 0 ? keyDomain(addr.slice(at + 1)) : null;
}

export interface SignerContext {
  readonly dataDir: string;
  /** Our hostname, for bounces (null sender) whose From we cannot sign for. */
  readonly hostname: string;
  readonly selector?: string;
}

/**
 * Which key signs: the From header's domain if we hold a key for it, else the envelope
 * sender's domain, else, for the null sender, the hostname or its parent domain.
 */
export async function chooseSigningKey(raw: Buffer, mailFrom: string, ctx: SignerContext): Promise<SigningKey | null> {
  const selector = ctx.selector ?? DEFAULT_SELECTOR;
  const candidates: string[] = [];
  const from = fromHeaderDomain(raw);
  if (from) candidates.push(from);
  const at = mailFrom.lastIndexOf('@');
  if (mailFrom && at >= 0) {
    const d = keyDomain(mailFrom.slice(at + 1));
    if (d) candidates.push(d);
  }
  if (!mailFrom) {
    const host = keyDomain(ctx.hostname);
    if (host) {
      candidates.push(host);
      const parent = host.slice(host.indexOf('.') + 1);
      if (host.includes('.') && parent.includes('.')) candidates.push(parent);
    }
  }
  for (const domain of new Set(candidates)) {
    const key = await loadSigningKey(ctx.dataDir, domain, selector);
    if (key) return key;
  }
  return null;
}

export interface OutboundSigner {
  /** Signs when we hold a suitable key; otherwise returns the message unchanged. */
  sign(raw: Buffer, mailFrom: string): Promise<{ message: Buffer; signedBy: string | null }>;
  /**
   * Streaming form: chooses the key from the header section, then signs `message()` (the
   * whole message, header included) and returns the field to prepend, or null without a key.
   */
  signatureFor(
    headers: Buffer,
    message: () => Buffer | Readable,
    mailFrom: string,
  ): Promise<{ header: string; signedBy: string } | null>;
}

/** For delivery: sign each outgoing message once, before its first attempt. */
export function createOutboundSigner(ctx: SignerContext & { readonly enabled?: boolean }): OutboundSigner {
  return {
    async sign(raw, mailFrom) {
      if (ctx.enabled === false) return { message: raw, signedBy: null };
      const key = await chooseSigningKey(raw, mailFrom, ctx);
      if (!key) return { message: raw, signedBy: null };
      return { message: await signMessage(raw, key), signedBy: key.domain };
    },
    async signatureFor(headers, message, mailFrom) {
      if (ctx.enabled === false) return null;
      const key = await chooseSigningKey(headers, mailFrom, ctx);
      if (!key) return null;
      return { header: await dkimSignatureFor(message(), key), signedBy: key.domain };
    },
  };
}

/**
 * Wraps an `inject` function (bounce notices: field `body`; vacation replies: field `raw`) so
 * each message is DKIM-signed before it enters the queue. A signing fault is reported through
 * `onError` and the message goes in unsigned: a broken key must not lose a bounce.
 */
export function signBeforeInject<K extends string, M extends { readonly from: string } & Record<K, Buffer>, R>(
  inject: (msg: M) => Promise<R>,
  signer: OutboundSigner,
  field: K,
  onError: (err: unknown) => void = () => {},
): (msg: M) => Promise<R> {
  return async (msg) => {
    try {
      const { message, signedBy } = await signer.sign(msg[field], msg.from);
      if (signedBy) return await inject({ ...msg, [field]: message });
    } catch (err) {
      onError(err);
    }
    return inject(msg);
  };
}
