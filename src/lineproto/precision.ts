// Write precisions of InfluxDB 1.x line protocol and how a timestamp in each maps to an instant.

/** `n` is the default. Kapacitor treats every unknown value (including `ns` and `us`) as nanoseconds. */
export type Precision = 'n' | 'u' | 'ms' | 's' | 'm' | 'h';

/** Resolves the `precision` query parameter the way Kapacitor does: anything unknown means ns. */
export function parsePrecision(text: string | undefined): Precision {
  switch (text) {
    case 'u':
    case 'ms':
    case 's':
    case 'm':
    case 'h':
      return text;
    default:
      return 'n';
  }
}

/** Nanoseconds per unit of each precision. */
export const PRECISION_NS: Record<Precision, number> = {
  n: 1,
  u: 1_000,
  ms: 1_000_000,
  s: 1_000_000_000,
  m: 60_000_000_000,
  h: 3_600_000_000_000,
};
