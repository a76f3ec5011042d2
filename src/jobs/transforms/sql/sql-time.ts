// Date and time helpers for the Sql transform: ISO text ↔ UTC Date, Java DateTimeFormatter-style patterns, units.

import { sqlEval } from '../../errors.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** Reads `yyyy-MM-dd`, `yyyy-MM-ddTHH:mm:ss[.SSS]` (or with a space) and `HH:mm:ss` as a UTC instant. */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  const s = String(v).trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/.exec(s);
  if (m) {
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) return new Date(Date.UTC(1970, 0, 1, Number(m[1]), Number(m[2]), Number(m[3] ?? 0)));
  return null;
}

export function formatDate(d: Date): string {
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
}
export function formatTime(d: Date): string {
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
export function formatTimestamp(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return `${formatDate(d)}T${formatTime(d)}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

type Piece = { lit: string } | { field: string };

function pattern(p: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === "'") {
      const end = p.indexOf("'", i + 1);
      const lit = end < 0 ? p.slice(i + 1) : p.slice(i + 1, end);
      out.push({ lit: lit === '' ? "'" : lit });
      i = end < 0 ? p.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (p[j] === c) j++;
      out.push({ field: p.slice(i, j) });
      i = j;
    } else {
      out.push({ lit: c });
      i++;
    }
  }
  return out;
}

/** Formats with the common Java DateTimeFormatter letters (y M d H h m s S a E). */
export function formatPattern(d: Date, pat: string): string {
  let out = '';
  for (const piece of pattern(pat)) {
    if ('lit' in piece) {
      out += piece.lit;
      continue;
    }
    const f = piece.field;
    const n = f.length;
    switch (f[0]) {
      case 'y':
        out += n === 2 ? p2(d.getUTCFullYear() % 100) : String(d.getUTCFullYear()).padStart(n, '0');
        break;
      case 'M':
        out += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()].slice(0, 3) : String(d.getUTCMonth() + 1).padStart(n, '0');
        break;
      case 'd':
        out += String(d.getUTCDate()).padStart(n, '0');
        break;
      case 'H':
        out += String(d.getUTCHours()).padStart(n, '0');
        break;
      case 'h':
        out += String(d.getUTCHours() % 12 || 12).padStart(n, '0');
        break;
      case 'm':
        out += String(d.getUTCMinutes()).padStart(n, '0');
        break;
      case 's':
        out += String(d.getUTCSeconds()).padStart(n, '0');
        break;
      case 'S':
        out += String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, n).padEnd(n, '0');
        break;
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()].slice(0, 3);
        break;
      default:
        throw sqlEval(`unsupported date pattern letter '${f[0]}'`);
    }
  }
  return out;
}

/** Parses text with a Java-style pattern; returns null when it does not match. */
export function parsePattern(text: string, pat: string): Date | null {
  let re = '^';
  const fields: string[] = [];
  for (const piece of pattern(pat)) {
    if ('lit' in piece) re += piece.lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      const f = piece.field;
      fields.push(f);
      if (f[0] === 'M' && f.length >= 3) re += '([A-Za-z]+)';
      else if (f[0] === 'a') re += '(AM|PM|am|pm)';
      else if (f[0] === 'E') re += '[A-Za-z]+';
      else re += f.length === 1 ? '(\\d{1,4})' : `(\\d{${f.length}})`;
      if (f[0] === 'E') fields.pop();
    }
  }
  const m = new RegExp(`${re}$`).exec(text.trim());
  if (!m) return null;
  let y = 1970;
  let mo = 0;
  let day = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  fields.forEach((f, i) => {
    const v = m[i + 1];
    switch (f[0]) {
      case 'y':
        y = f.length === 2 ? 2000 + Number(v) : Number(v);
        break;
      case 'M':
        mo = f.length >= 3 ? MONTHS.findIndex((x) => x.toLowerCase().startsWith(v.toLowerCase().slice(0, 3))) : Number(v) - 1;
        break;
      case 'd':
        day = Number(v);
        break;
      case 'H':
      case 'h':
        h = Number(v);
        break;
      case 'm':
        mi = Number(v);
        break;
      case 's':
        s = Number(v);
        break;
      case 'S':
        ms = Number(v.padEnd(3, '0').slice(0, 3));
        break;
      case 'a':
        pm = v.toUpperCase() === 'PM';
        break;
    }
  });
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  const d = new Date(Date.UTC(y, mo, day, h, mi, s, ms));
  return Number.isNaN(d.getTime()) ? null : d;
}

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  MS: 1,
  SECOND: 1000,
  SS: 1000,
  S: 1000,
  MINUTE: 60_000,
  MI: 60_000,
  N: 60_000,
  HOUR: 3_600_000,
  HH: 3_600_000,
  DAY: 86_400_000,
  DD: 86_400_000,
  D: 86_400_000,
  WEEK: 7 * 86_400_000,
  WW: 7 * 86_400_000,
  WK: 7 * 86_400_000,
};
const MONTH_UNITS: Record<string, number> = { MONTH: 1, MM: 1, M: 1, QUARTER: 3, Q: 3, YEAR: 12, YYYY: 12, YY: 12 };

export function addUnits(unit: string, n: number, d: Date): Date {
  const u = unit.toUpperCase();
  if (UNIT_MS[u]) return new Date(d.getTime() + n * UNIT_MS[u]);
  const months = MONTH_UNITS[u];
  if (!months) throw sqlEval(`unknown date unit '${unit}'`);
  const out = new Date(d.getTime());
  out.setUTCMonth(out.getUTCMonth() + n * months);
  return out;
}

/** DATEDIFF: the number of unit boundaries crossed from a to b (as H2 counts). */
export function diffUnits(unit: string, a: Date, b: Date): number {
  const u = unit.toUpperCase();
  const months = MONTH_UNITS[u];
  if (months) {
    const ma = a.getUTCFullYear() * 12 + a.getUTCMonth();
    const mb = b.getUTCFullYear() * 12 + b.getUTCMonth();
    return Math.floor(mb / months) - Math.floor(ma / months);
  }
  const size = UNIT_MS[u];
  if (!size) throw sqlEval(`unknown date unit '${unit}'`);
  return Math.floor(truncate(u, b).getTime() / size) - Math.floor(truncate(u, a).getTime() / size);
}

export function truncate(unit: string, d: Date): Date {
  const u = unit.toUpperCase();
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (u) {
    case 'YEAR':
    case 'YYYY':
    case 'YY':
      return new Date(Date.UTC(y, 0, 1));
    case 'QUARTER':
    case 'Q':
      return new Date(Date.UTC(y, mo - (mo % 3), 1));
    case 'MONTH':
    case 'MM':
    case 'M':
      return new Date(Date.UTC(y, mo, 1));
    case 'WEEK':
    case 'WW':
    case 'WK': {
      // ISO weeks start on Monday.
      const day = new Date(Date.UTC(y, mo, d.getUTCDate()));
      const back = (day.getUTCDay() + 6) % 7;
      return new Date(day.getTime() - back * 86_400_000);
    }
    default: {
      const size = UNIT_MS[u];
      if (!size) throw sqlEval(`unknown date unit '${unit}'`);
      return new Date(Math.floor(d.getTime() / size) * size);
    }
  }
}

export function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  return 1 + Math.round((t.getTime() - firstThursday.getTime()) / 86_400_000 / 7 - ((firstThursday.getUTCDay() + 6) % 7 - 3) / 7);
}

/** `UTC+8`, `UTC-05:30`, `+08:00` → minutes east of UTC. */
export function zoneOffsetMinutes(zone: string): number {
  const m = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone.trim());
  if (!m) {
    if (/^(UTC|GMT|Z)$/i.test(zone.trim())) return 0;
    throw sqlEval(`unknown time zone '${zone}'`);
  }
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
