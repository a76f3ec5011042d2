// JSON text that keeps int64 values exact: bigint field values are written as bare digits.

/**
 * Like JSON.stringify(value, null, indent), but bigint values become JSON numbers with every
 * digit kept (JSON.stringify throws on them, and Number() would round above 2^53).
 */
export function stringifyJson(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  return write(value, pad, '');
}

function write(value: unknown, pad: string, current: string): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value), pad, current);
  const inner = current + pad;
  const open = pad === '' ? '' : `\n${inner}`;
  const sep = pad === '' ? ',' : `,\n${inner}`;
  const close = pad === '' ? '' : `\n${current}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((v) => write(v, pad, inner)).join(sep)}${close}]`;
  }
  const parts: string[] = [];
  for (const key of Object.keys(value as object)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(key)}:${pad === '' ? '' : ' '}${write(v, pad, inner)}`);
  }
  if (parts.length === 0) return '{}';
  return `{${open}${parts.join(sep)}${close}}`;
}
