/**
 * Lists every key the config schema knows, as TOML key paths (`delivery.timeouts.connect`,
 * `listeners[].port`), with its default where it has one: what docs/config.md must cover.
 * Reads zod 4's schema definitions; no input is involved.
 */
import type { z } from 'zod';

export interface KeyInfo {
  path: string;
  hasDefault: boolean;
  default?: unknown;
  /** zod type at the key after unwrapping defaults and optionals: `object` is a table of keys. */
  kind: string;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  defaultValue?: unknown;
}

const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

export function schemaKeys(schema: z.ZodType, prefix = ''): KeyInfo[] {
  const out: KeyInfo[] = [];
  walk(schema, prefix, out, undefined);
  return out;
}

function walk(schema: z.ZodType, path: string, out: KeyInfo[], dflt: { value: unknown } | undefined): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault': {
      const v = def.defaultValue;
      walk(def.innerType as z.ZodType, path, out, dflt ?? { value: typeof v === 'function' ? undefined : v });
      return;
    }
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      walk(def.innerType as z.ZodType, path, out, dflt);
      return;
    case 'pipe':
      walk(def.in as z.ZodType, path, out, dflt);
      return;
    case 'object': {
      // An array element (`listeners[]`) is no key of its own: its array is.
      if (path && !path.endsWith('[]')) out.push({ path, hasDefault: dflt !== undefined, kind: 'object' });
      for (const [k, v] of Object.entries(def.shape ?? {})) walk(v, path ? `${path}.${k}` : k, out, undefined);
      return;
    }
    case 'array': {
      out.push({ path, hasDefault: dflt !== undefined, default: dflt?.value, kind: def.type });
      if (unwrapType(def.element as z.ZodType) === 'object')
        walk(def.element as z.ZodType, `${path}[]`, out, undefined);
      return;
    }
    case 'record': {
      out.push({ path, hasDefault: dflt !== undefined, default: dflt?.value, kind: def.type });
      if (unwrapType(def.valueType as z.ZodType) === 'object')
        walk(def.valueType as z.ZodType, `${path}.<name>`, out, undefined);
      return;
    }
    case 'union': {
      out.push({ path, hasDefault: dflt !== undefined, default: dflt?.value, kind: def.type });
      for (const o of def.options ?? []) if (unwrapType(o) === 'object') walk(o, path, out, undefined);
      return;
    }
    default:
      out.push({ path, hasDefault: dflt !== undefined, default: dflt?.value, kind: def.type });
  }
}

function unwrapType(schema: z.ZodType): string {
  let def = defOf(schema);
  while (def.innerType || (def.type === 'pipe' && def.in)) def = defOf(def.innerType ?? def.in);
  return def.type;
}
