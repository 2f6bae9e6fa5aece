/**
 * Loads the configuration: the TOML file named by `--config` or `MAILWARD_CONFIG`, or the
 * embedded defaults when there is none; `--data-dir` overrides the file. Returns every
 * problem as `<key path>: <problem>` (unknown keys included: a typo must not be ignored)
 * and the config deep-frozen, with `data_dir` made absolute.
 * TOML 1.0 through smol-toml.
 * Security: reads an administrator's file; values are validated before anyone sees them,
 * and error messages quote only short pieces of values.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { formatKeyPath, issueMessage } from './errors.js';
import { schemaKeys } from './keys.js';
import { type Config, configSchema } from './schema.js';

export type LoadResult = { ok: true; config: Config; file: string | null } | { ok: false; errors: string[] };

export interface LoadOptions {
  file?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Base for a relative data_dir; the working directory by default. */
  cwd?: string;
}

export function loadConfig(opts: LoadOptions = {}): LoadResult {
  const env = opts.env ?? process.env;
  const file = opts.file ?? (env.MAILWARD_CONFIG || undefined);
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { ok: false, errors: [`${file}: cannot read the config file (${e.code ?? e.message})`] };
    }
    try {
      raw = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof TomlError) {
        const first = err.message.split('\n')[0] ?? err.message;
        return { ok: false, errors: [`${file}: line ${err.line}, column ${err.column}: ${first}`] };
      }
      throw err;
    }
  }
  return validateConfig(raw, { ...opts, file: file ?? null });
}

/** Validates an already parsed TOML document (also used by tests and by the docs check). */
export function validateConfig(
  raw: Record<string, unknown>,
  opts: { dataDir?: string; cwd?: string; file?: string | null } = {},
): LoadResult {
  const input = opts.dataDir !== undefined ? { ...raw, data_dir: opts.dataDir } : raw;
  const parsed = configSchema.safeParse(input, { error: issueMessage });
  const errors: string[] = [];
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      if (iss.code === 'unrecognized_keys') {
        for (const k of iss.keys) errors.push(`${formatKeyPath([...iss.path, k])}: unknown key`);
      } else {
        errors.push(`${formatKeyPath(iss.path)}: ${iss.message}`);
      }
    }
    // Report typos together with the other problems, so one round of fixes is enough.
    const known = new Set(errors);
    for (const e of unknownKeysBySchema(input)) if (!known.has(e)) errors.push(e);
    return { ok: false, errors };
  }
  findUnknownKeys(input, parsed.data, [], errors);
  if (errors.length) return { ok: false, errors };
  const config = { ...parsed.data, data_dir: resolve(opts.cwd ?? process.cwd(), parsed.data.data_dir) };
  return { ok: true, config: deepFreeze(config), file: opts.file ?? null };
}

/**
 * Sections use plain z.object, which drops unknown keys silently; a key present in the input
 * but absent from the parsed output is therefore one the schema does not know.
 */
function findUnknownKeys(input: unknown, output: unknown, path: PropertyKey[], errors: string[]): void {
  if (Array.isArray(input) && Array.isArray(output)) {
    for (let i = 0; i < input.length; i++) findUnknownKeys(input[i], output[i], [...path, i], errors);
    return;
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return;
  for (const [key, value] of Object.entries(input)) {
    if (!(key in output)) {
      const hint = closest(key, Object.keys(output));
      errors.push(`${formatKeyPath([...path, key])}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`);
    } else {
      findUnknownKeys(value, output[key], [...path, key], errors);
    }
  }
}

/**
 * The same check without a parse result, from the key paths the schema declares; used when
 * parsing failed. Only tables whose keys the schema lists are checked.
 */
function unknownKeysBySchema(input: Record<string, unknown>): string[] {
  const kinds = new Map(schemaKeys(configSchema).map((k) => [k.path, k.kind]));
  // Array elements that are tables (`listeners[]`) have keys of their own below them.
  for (const p of [...kinds.keys()]) {
    const at = p.lastIndexOf('[].');
    if (at >= 0) kinds.set(p.slice(0, at + 2), 'object');
  }
  const errors: string[] = [];
  const visit = (value: unknown, path: string, shown: PropertyKey[]): void => {
    if (Array.isArray(value)) {
      if (kinds.has(`${path}[]`)) for (let i = 0; i < value.length; i++) visit(value[i], `${path}[]`, [...shown, i]);
      return;
    }
    if (!isPlainObject(value)) return;
    const kind = path === '' ? 'object' : kinds.get(path);
    if (kind === 'record' && kinds.has(`${path}.<name>`)) {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.<name>`, [...shown, k]);
      return;
    }
    if (kind !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      const child = path ? `${path}.${k}` : k;
      if (kinds.has(child)) {
        visit(v, child, [...shown, k]);
        continue;
      }
      const siblings = [...kinds.keys()]
        .filter((p) => (path ? p.startsWith(`${path}.`) : true))
        .map((p) => (path ? p.slice(path.length + 1) : p))
        .filter((p) => /^[A-Za-z0-9_-]+$/.test(p));
      const hint = closest(k, siblings);
      errors.push(`${formatKeyPath([...shown, k])}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  };
  visit(input, '', []);
  return errors;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The known key within edit distance 2, for "did you mean". */
function closest(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
