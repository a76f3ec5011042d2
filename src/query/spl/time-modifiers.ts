// earliest/latest values: `now`, epoch seconds or ms, `%m/%d/%Y:%H:%M:%S`, and relative times such
// as `-1h@h`, `-7d@w1`, `@d+8h`, `-1mon` (Splunk) or `-1M` (Pandora), snapped in a time zone.

import { instantIn, partsIn } from './zoned-time.ts';

type Unit = 's' | 'm' | 'h' | 'd' | 'w' | 'mon' | 'q' | 'y';

/** Unit spellings; case matters only for Pandora's `M` (month) against `m` (minute). */
function unitOf(text: string): Unit | undefined {
  if (text === 'M') return 'mon';
  switch (text.toLowerCase()) {
    case 's':
    case 'sec':
    case 'secs':
    case 'second':
    case 'seconds':
      return 's';
    case 'm':
    case 'min':
    case 'mins':
    case 'minute':
    case 'minutes':
      return 'm';
    case 'h':
    case 'hr':
    case 'hrs':
    case 'hour':
    case 'hours':
      return 'h';
    case 'd':
    case 'day':
    case 'days':
      return 'd';
    case 'w':
    case 'week':
    case 'weeks':
      return 'w';
    case 'mon':
    case 'month':
    case 'months':
      return 'mon';
    case 'q':
    case 'qtr':
    case 'quarter':
    case 'quarters':
      return 'q';
    case 'y':
    case 'yr':
    case 'year':
    case 'years':
      return 'y';
    default:
      return undefined;
  }
}

const FIXED: Partial<Record<Unit, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

const ABSOLUTE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?::(\d{1,2}):(\d{1,2}):(\d{1,2}))?$/;
const OFFSET = /^([+-])(\d*)([A-Za-z]+)/;

/**
 * Resolves a time value to epoch ms. Returns a message instead when the text is not a time.
 * Bare integers of 13 or more digits are milliseconds (Pandora's `start`/`end`), shorter ones seconds.
 */
export function resolveTime(text: string, now: number, zone: string): number | string {
  if (text === 'now' || text === 'now()') return now;
  if (/^\d+$/.test(text)) return text.length >= 13 ? Number(text) : Number(text) * 1000;
  const abs = ABSOLUTE.exec(text);
  if (abs) {
    const [, mo, d, y, h = '0', mi = '0', s = '0'] = abs;
    return instantIn(zone, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  }
  let t = now;
  let rest = text;
  let snapped = false;
  while (rest !== '') {
    if (rest[0] === '@') {
      if (snapped) return `time modifier '${text}' snaps twice`;
      const m = /^@([A-Za-z]+)(\d?)/.exec(rest);
      const unit = m ? unitOf(m[1]) : undefined;
      if (!m || unit === undefined) return `invalid snap unit in time modifier '${text}'`;
      if (m[2] !== '' && unit !== 'w') return `only @w takes a weekday number, in '${text}'`;
      t = snap(t, unit, m[2] === '' ? 0 : Number(m[2]), zone);
      snapped = true;
      rest = rest.slice(m[0].length);
      continue;
    }
    const m = OFFSET.exec(rest);
    const unit = m ? unitOf(m[3]) : undefined;
    if (!m || unit === undefined) return `invalid time modifier '${text}'`;
    const amount = (m[2] === '' ? 1 : Number(m[2])) * (m[1] === '-' ? -1 : 1);
    t = shift(t, unit, amount, zone);
    rest = rest.slice(m[0].length);
  }
  return t;
}

function shift(t: number, unit: Unit, amount: number, zone: string): number {
  const fixed = FIXED[unit];
  if (fixed !== undefined) return t + amount * fixed;
  const p = partsIn(t, zone);
  let { year, month, day } = p;
  if (unit === 'd') day += amount;
  else if (unit === 'w') day += 7 * amount;
  else {
    const months = unit === 'mon' ? amount : unit === 'q' ? 3 * amount : 12 * amount;
    month += months;
    // Keep the day within the target month (Jan 31 - 1mon... + 1mon = Feb 28/29).
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    day = Math.min(day, last);
  }
  return instantIn(zone, year, month, day, p.hour, p.minute, p.second, p.millisecond);
}

function snap(t: number, unit: Unit, weekday: number, zone: string): number {
  const p = partsIn(t, zone);
  switch (unit) {
    case 's':
      return t - p.millisecond;
    case 'm':
      return instantIn(zone, p.year, p.month, p.day, p.hour, p.minute);
    case 'h':
      return instantIn(zone, p.year, p.month, p.day, p.hour);
    case 'd':
      return instantIn(zone, p.year, p.month, p.day);
    case 'w': {
      const back = (p.weekday - weekday + 7) % 7;
      return instantIn(zone, p.year, p.month, p.day - back);
    }
    case 'mon':
      return instantIn(zone, p.year, p.month, 1);
    case 'q':
      return instantIn(zone, p.year, p.month - ((p.month - 1) % 3), 1);
    default:
      return instantIn(zone, p.year, 1, 1);
  }
}
