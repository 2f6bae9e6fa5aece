/**
 * The command line of `sendmail`, as every Unix program calls it (cron, scripts, PHP mail()):
 * sendmail(8) of Sendmail and Postfix. Supported: -t, -f/-r sender, -F full name, -i/-oi,
 * -N/-R/-V (DSN, RFC 3461), -B body type, recipients as arguments, `--`; other -o…, -O,
 * -v, -m, -n, -U, -G, -bm, -C, -L, -X, -h are accepted and ignored, as Postfix does.
 * Options may come before or after recipients (getopt permutation).
 * Security: arguments come from any local user; they only select values, nothing is run.
 */
import type { BodyType, Notify, NotifyKind } from '../core/envelope.js';

export interface SendmailArgs {
  readonly extractRecipients: boolean;
  readonly from: string | null;
  readonly fullName: string | null;
  /** -i / -oi: a line with a single "." does not end the message. */
  readonly ignoreDots: boolean;
  readonly recipients: readonly string[];
  readonly notify: Notify | null;
  readonly ret: 'FULL' | 'HDRS' | null;
  readonly envid: string | null;
  readonly bodyType: BodyType | null;
}

export type SendmailParse =
  | { readonly ok: true; readonly args: SendmailArgs }
  | { readonly ok: false; readonly error: string };

/** Options that take a value (attached, `-fuser@x`, or as the next argument). */
const WITH_VALUE = new Set(['f', 'r', 'F', 'N', 'R', 'V', 'B', 'O', 'C', 'L', 'X', 'h', 'q']);
/** Flags accepted and ignored. */
const IGNORED = new Set(['v', 'm', 'n', 'U', 'G', 'x']);

export function parseSendmailArgs(argv: readonly string[]): SendmailParse {
  const out = {
    extractRecipients: false,
    from: null as string | null,
    fullName: null as string | null,
    ignoreDots: false,
    recipients: [] as string[],
    notify: null as Notify | null,
    ret: null as 'FULL' | 'HDRS' | null,
    envid: null as string | null,
    bodyType: null as BodyType | null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.recipients.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.recipients.push(arg);
      continue;
    }
    const flag = arg.charAt(1);
    if (flag === 'b') {
      if (arg !== '-bm')
        return { ok: false, error: `${arg}: only message mode (-bm) is supported; use mailward queue` };
      continue;
    }
    if (flag === 'o') {
      if (arg === '-oi' || arg === '-oi=true') out.ignoreDots = true;
      continue; // other sendmail.cf options mean nothing here
    }
    if (WITH_VALUE.has(flag)) {
      let value = arg.slice(2);
      if (value === '') {
        if (i + 1 >= argv.length) return { ok: false, error: `option -${flag} requires a value` };
        value = argv[++i] as string;
      }
      const problem = applyValue(out, flag, value);
      if (problem) return { ok: false, error: problem };
      continue;
    }
    // clustered flags such as -ti
    for (const f of arg.slice(1)) {
      if (f === 't') out.extractRecipients = true;
      else if (f === 'i') out.ignoreDots = true;
      else if (!IGNORED.has(f)) return { ok: false, error: `unknown option -${f}` };
    }
  }
  return { ok: true, args: out };
}

function applyValue(out: Record<string, unknown>, flag: string, value: string): string | null {
  switch (flag) {
    case 'f':
    case 'r':
      out.from = value.replace(/^<(.*)>$/, '$1');
      return null;
    case 'F':
      out.fullName = value;
      return null;
    case 'N': {
      const kinds = value
        .toUpperCase()
        .split(',')
        .map((s) => s.trim());
      if (kinds.length === 1 && kinds[0] === 'NEVER') out.notify = 'NEVER';
      else if (kinds.every((k) => k === 'SUCCESS' || k === 'FAILURE' || k === 'DELAY'))
        out.notify = kinds as NotifyKind[];
      else return `-N ${value}: expected never, or success,failure,delay`;
      return null;
    }
    case 'R': {
      const ret = value.toUpperCase();
      if (ret !== 'FULL' && ret !== 'HDRS') return `-R ${value}: expected full or hdrs`;
      out.ret = ret;
      return null;
    }
    case 'V':
      if (!/^[\x21-\x7e]{1,100}$/.test(value)) return '-V: the envelope id must be 1–100 printable characters';
      out.envid = value;
      return null;
    case 'B': {
      const b = value.toUpperCase();
      out.bodyType = b === '7BIT' ? '7BIT' : b === '8BITMIME' ? '8BITMIME' : null;
      if (out.bodyType === null) return `-B ${value}: expected 7BIT or 8BITMIME`;
      return null;
    }
    case 'q':
      return '-q: queue runs are done by the server; use mailward queue flush';
    default:
      return null; // -O, -C, -L, -X, -h: accepted and ignored
  }
}
