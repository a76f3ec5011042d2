// TICKscript duration literals (`10s`, `5m`, `250ms`, `1w`) in nanoseconds, with Kapacitor's int64 limit.

import { DURATION_UNITS } from '../core/time.ts';

const MAX_NS = 9223372036854775807n;

/** Parses one literal as the lexer produces it (digits + one unit); undefined when invalid or out of int64 range. */
export function parseTickDuration(text: string): number | undefined {
  const m = /^(\d+)(u|µ|ms|s|m|h|d|w)$/.exec(text);
  if (!m) return undefined;
  const unit = DURATION_UNITS[m[2]!]!;
  const digits = m[1]!;
  if (digits.length > 15) {
    const big = BigInt(digits) * BigInt(unit);
    if (big > MAX_NS) return undefined;
    return Number(big);
  }
  return Number(digits) * unit;
}
