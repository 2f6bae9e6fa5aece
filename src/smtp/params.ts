/**
 * Splitting MAIL FROM / RCPT TO arguments into the path and the ESMTP parameters.
 *
 * RFC 5321 §4.1.2 (Mail-parameters, esmtp-keyword, esmtp-value), §3.3 (MAIL/RCPT syntax),
 * RFC 3461 §4 (xtext), RFC 1870 (SIZE), RFC 6152 (BODY), RFC 6531 (SMTPUTF8).
 * Security: untrusted client text; nothing here interprets the path, it only finds where
 * it ends (respecting quoted local parts) so that parsePath sees exactly the bracketed path.
 */

export type ParamMap = Map<string, string | true>;

export type SplitResult =
  | { readonly ok: true; readonly path: string; readonly params: ParamMap }
  | { readonly ok: false; readonly reason: 'path' | 'param'; readonly detail: string };

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// esmtp-value: any CHAR except "=", SP and controls (UTF-8 allowed under SMTPUTF8).
const VALUE = /^[^=\s\x00-\x1f\x7f]+$/u;

/**
 * `rest` is what follows "FROM:" or "TO:". One space before the path is tolerated (many
 * clients send "MAIL FROM: <a@b>"), as Postfix and Exim do.
 */
export function splitPathAndParams(rest: string): SplitResult {
  const s = rest.startsWith(' ') ? rest.slice(1) : rest;
  if (!s.startsWith('<')) return { ok: false, reason: 'path', detail: 'address must be enclosed in <>' };
  let i = 1;
  let quoted = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '>') break;
  }
  if (i >= s.length) return { ok: false, reason: 'path', detail: 'missing closing >' };
  const path = s.slice(0, i + 1);
  const tail = s.slice(i + 1);
  const params: ParamMap = new Map();
  if (tail === '') return { ok: true, path, params };
  if (!tail.startsWith(' ')) return { ok: false, reason: 'path', detail: 'garbage after the address' };
  for (const word of tail.slice(1).split(' ')) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    const key = (eq < 0 ? word : word.slice(0, eq)).toUpperCase();
    if (!KEYWORD.test(key)) return { ok: false, reason: 'param', detail: `bad parameter name ${key}` };
    if (params.has(key)) return { ok: false, reason: 'param', detail: `duplicate parameter ${key}` };
    if (eq < 0) params.set(key, true);
    else {
      const value = word.slice(eq + 1);
      if (!VALUE.test(value)) return { ok: false, reason: 'param', detail: `bad value for ${key}` };
      params.set(key, value);
    }
  }
  return { ok: true, path, params };
}

/** RFC 3461 §4: xtext ("+" followed by two upper-case hex digits encodes one octet). */
export function decodeXtext(value: string): string | null {
  if (!/^(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*$/.test(value)) return null;
  return value.replace(/\+([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
