// OpenTSDB's date strings (absolute, relative, `now`, epoch seconds or ms) to epoch milliseconds.
// Pure: "now" comes from the caller. Absolute dates are read in UTC (OpenTSDB uses the TSD's zone
// unless a `tz` is given; a server that may run anywhere is more predictable in UTC).

import { badTime } from './errors.ts';

const MS_BY_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  n: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `15m`, `1h`, `2d` ... in milliseconds (OpenTSDB's `DateTime.parseDuration` units). */
export function parseOpentsdbDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|n|y)$/.exec(text);
  if (!m) throw badTime(`Invalid duration (number): ${text}`);
  const value = Number(m[1]) * MS_BY_UNIT[m[2]];
  if (!Number.isSafeInteger(value) || value <= 0) throw badTime(`Invalid duration (number): ${text}`);
  return value;
}

const ABSOLUTE = /^(\d{4})\/(\d{2})\/(\d{2})(?:[- ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses a date the way OpenTSDB's `DateTime.parseDateTimeString` does. An absent or empty text
 * gives -1 (OpenTSDB's "not set"); anything unreadable throws `E_OTSDB_BAD_TIME`.
 */
export function parseOpentsdbTime(text: string | undefined | null, nowMs: number): number {
  if (text === undefined || text === null || text === '') return -1;
  const t = text.trim();
  if (/^\d+ms$/.test(t)) return Number(t.slice(0, -2));
  if (t.toLowerCase() === 'now') return nowMs;
  if (t.toLowerCase().endsWith('-ago')) return nowMs - parseOpentsdbDuration(t.slice(0, -4));
  if (t.includes('/') || t.includes(':')) return parseAbsolute(t);
  if (t.includes('.')) {
    // Seconds with a millisecond fraction: exactly three decimals.
    if (!/^\d+\.\d{3}$/.test(t)) throw badTime(`Invalid time: ${t}`);
    return Number(t.replace('.', ''));
  }
  if (!/^\d+$/.test(t)) throw badTime(`Invalid time: ${t}`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw badTime(`Invalid time: ${t}`);
  return t.length <= 10 ? n * 1000 : n;
}

function parseAbsolute(text: string): number {
  const m = ABSOLUTE.exec(text);
  if (!m) throw badTime(`Invalid absolute date: ${text}`);
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw badTime(`Invalid absolute date: ${text}`);
  }
  return ms;
}

/** OpenTSDB treats a timestamp with any bit above the low 32 set as milliseconds. */
export function isMillis(value: number): boolean {
  return value > 0xffffffff;
}

/** A seconds-or-milliseconds timestamp in milliseconds. */
export function toMillis(value: number): number {
  return isMillis(value) ? value : value * 1000;
}
