/**
 * Turns zod issues into the one-line messages a person reads when the config file is wrong:
 * `<key path>: <problem>`, with the key path written as in TOML (`listeners[1].port`) and
 * the problem in TOML's words (table, array, string, number).
 * Security: messages quote at most a short piece of the offending value, never a whole
 * value (it could be a password).
 */
import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

/** `listeners[1].port`, `delivery.routes."example.com"`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const key = String(p);
      const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
      out += out === '' ? part : `.${part}`;
    }
  }
  return out === '' ? '(top level)' : out;
}

/** What a TOML value is called. */
export function tomlTypeOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a table';
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a table',
  array: 'an array',
  record: 'a table',
  date: 'a date',
};

const FORMATS: Record<string, string> = {
  regex: 'value here',
  email: 'email address',
  url: 'URL',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
};

interface NumberBounds {
  int: boolean;
  min?: { value: number; inclusive: boolean };
  max?: { value: number; inclusive: boolean };
}

/** Reads the bounds of a zod number schema, so one message can name both ends. */
function numberBounds(schema: unknown): NumberBounds | null {
  const def = (schema as { _zod?: { def?: { type?: string; checks?: { _zod: { def: Record<string, unknown> } }[] } } })
    ?._zod?.def;
  if (def?.type !== 'number') return null;
  const b: NumberBounds = { int: false };
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'number_format' && String(d.format).includes('int')) b.int = true;
    if (d.check === 'greater_than') b.min = { value: Number(d.value), inclusive: !!d.inclusive };
    if (d.check === 'less_than') b.max = { value: Number(d.value), inclusive: !!d.inclusive };
  }
  return b;
}

/** `a number between 1 and 65535`; "whole" only when the problem is a fraction. */
function describeNumber(b: NumberBounds, fraction = false): string {
  const noun = b.int && fraction ? 'a whole number' : 'a number';
  if (b.min && b.max && b.min.inclusive && b.max.inclusive) return `${noun} between ${b.min.value} and ${b.max.value}`;
  const parts: string[] = [];
  if (b.min) parts.push(b.min.inclusive ? `at least ${b.min.value}` : `greater than ${b.min.value}`);
  if (b.max) parts.push(b.max.inclusive ? `at most ${b.max.value}` : `less than ${b.max.value}`);
  return parts.length ? `${noun} ${parts.join(' and ')}` : noun;
}

const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** The zod per-parse error map: a schema's own message, where it has one, still wins. */
export function issueMessage(iss: Issue): string | undefined {
  const schema = (iss as { schema?: unknown }).schema ?? iss.inst;
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is required';
      const bounds = numberBounds(schema);
      const fraction = typeof iss.input === 'number';
      const expected = bounds ? describeNumber(bounds, fraction) : (EXPECTED[iss.expected] ?? iss.expected);
      const got = tomlTypeOf(iss.input);
      return `expected ${expected}, got ${got === 'a number' ? short(iss.input) : got}`;
    }
    case 'too_small':
    case 'too_big': {
      if (iss.origin === 'number') {
        const bounds = numberBounds(schema);
        const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
        return `expected ${bounds ? describeNumber(bounds) : `a number ${iss.code === 'too_small' ? 'at least' : 'at most'} ${bound}`}`;
      }
      const unit = iss.origin === 'string' ? 'character' : 'entr';
      if (iss.code === 'too_small') {
        const n = Number(iss.minimum);
        if (n === 1) return iss.origin === 'string' ? 'must not be empty' : 'must have at least one entry';
        return `must have at least ${n} ${unit}${unit === 'entr' ? 'ies' : 's'}`;
      }
      return `must have at most ${Number(iss.maximum)} ${unit}${unit === 'entr' ? 'ies' : 's'}`;
    }
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${short(iss.input)}`;
    case 'invalid_format':
      return `${short(iss.input)} is not a valid ${FORMATS[iss.format] ?? iss.format}`;
    case 'invalid_union':
      return `${short(iss.input)} matches none of the accepted forms`;
    case 'unrecognized_keys':
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return undefined;
  }
}
