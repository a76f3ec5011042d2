// SPL values and the comparisons, conversions and wildcard matching every command shares.

/** One value of a field. `null` is a missing field; arrays are multivalue fields. */
export type Scalar = number | string | boolean | null;
export type Value = Scalar | Scalar[];

/** A row: `_time` (epoch ms), `_raw`, `index`, `sourcetype`, tags and fields, and whatever commands add. */
export type Row = Record<string, Value>;

/** The number a value stands for, or undefined (numeric strings count, as in Splunk). */
export function toNumber(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
    return Number(t);
  }
  if (typeof v === 'boolean') return undefined;
  if (Array.isArray(v) && v.length === 1) return toNumber(v[0]);
  return undefined;
}

/** The text of a value: numbers as JavaScript prints them, multivalues joined by newlines. */
export function toText(v: Value | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => toText(x) ?? '').join('\n');
  return String(v);
}

export function isNull(v: Value | undefined): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

/**
 * Sort order shared by sort, stats groups and top: numbers (ascending) before strings (byte
 * order) before booleans; nulls last.
 */
export function compareValues(a: Value | undefined, b: Value | undefined): number {
  const an = isNull(a);
  const bn = isNull(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  const s = toText(a)!;
  const t = toText(b)!;
  return s < t ? -1 : s > t ? 1 : 0;
}

const wildcardCache = new Map<string, RegExp>();

/** A case-insensitive whole-string pattern where `*` matches any run of characters. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (re === undefined) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'is');
    if (wildcardCache.size > 1000) wildcardCache.clear();
    wildcardCache.set(pattern, re);
  }
  return re;
}

/** Field-name patterns for table/fields/rename: `*` matches any run, case-sensitive. */
export function fieldPatternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(.*)');
  return new RegExp(`^${body}$`, 's');
}
