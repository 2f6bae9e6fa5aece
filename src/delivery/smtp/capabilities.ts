/**
 * What a remote server offers, read from its EHLO reply.
 * RFC 5321 §4.1.1.1 (EHLO keywords), RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 6152
 * (8BITMIME), RFC 3461 (DSN), RFC 6531 (SMTPUTF8), RFC 3207 (STARTTLS), RFC 4954 (AUTH).
 * Security: the reply is untrusted; keywords are only compared, numbers only parsed.
 */
export interface Capabilities {
  pipelining: boolean;
  /** SIZE limit the remote announced; 0 = announced without a limit; null = not announced. */
  size: number | null;
  eightBitMime: boolean;
  dsn: boolean;
  smtputf8: boolean;
  starttls: boolean;
  auth: string[];
}

export function emptyCaps(): Capabilities {
  return { pipelining: false, size: null, eightBitMime: false, dsn: false, smtputf8: false, starttls: false, auth: [] };
}

/** Reads the EHLO keywords (RFC 5321 §4.1.1.1); the first line is the greeting name. */
export function parseCapabilities(raw: readonly string[]): Capabilities {
  const caps = emptyCaps();
  for (const line of raw.slice(1)) {
    const [kw = '', ...params] = line.slice(4).trim().toUpperCase().split(/\s+/);
    if (kw === 'PIPELINING') caps.pipelining = true;
    else if (kw === 'SIZE') caps.size = Number(params[0] ?? 0) || 0;
    else if (kw === '8BITMIME') caps.eightBitMime = true;
    else if (kw === 'DSN') caps.dsn = true;
    else if (kw === 'SMTPUTF8') caps.smtputf8 = true;
    else if (kw === 'STARTTLS') caps.starttls = true;
    else if (kw === 'AUTH' || kw.startsWith('AUTH='))
      caps.auth.push(...params, ...(kw.startsWith('AUTH=') ? [kw.slice(5)] : []));
  }
  return caps;
}
