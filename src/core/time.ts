// Nanosecond instants held exactly as two doubles: whole milliseconds since the epoch and the
// nanoseconds inside that millisecond.
//
// A double cannot hold a 19-digit nanosecond timestamp, and BigInt arithmetic per point is too slow
// for the hot path. Milliseconds fit a double exactly for ±285,000 years, and keeping the sub-ms
// remainder separate keeps comparisons and window arithmetic exact with plain number operations.

/** Nanoseconds in one millisecond. */
export const NS_PER_MS = 1_000_000;
/** A duration, always in nanoseconds. Exact for every duration a script can write below 104 days, and for round larger ones. */
export type Duration = number;

export const NANOSECOND: Duration = 1;
export const MICROSECOND: Duration = 1_000;
export const MILLISECOND: Duration = 1_000_000;
export const SECOND: Duration = 1_000_000_000;
export const MINUTE: Duration = 60 * SECOND;
export const HOUR: Duration = 60 * MINUTE;
export const DAY: Duration = 24 * HOUR;
export const WEEK: Duration = 7 * DAY;

/** An exact instant. `ns` is always within [0, 999_999], also for instants before 1970. */
export interface Instant {
  readonly ms: number;
  readonly ns: number;
}

export const ZERO_INSTANT: Instant = Object.freeze({ ms: 0, ns: 0 });

/** Builds an instant from milliseconds and a (possibly out-of-range) nanosecond part, normalising the carry. */
export function instant(ms: number, ns = 0): Instant {
  if (ns >= 0 && ns < NS_PER_MS) return { ms, ns };
  const carry = Math.floor(ns / NS_PER_MS);
  return { ms: ms + carry, ns: ns - carry * NS_PER_MS };
}

/** Compares two instants given as their parts: negative, zero or positive like a sort comparator. */
export function compareParts(aMs: number, aNs: number, bMs: number, bNs: number): number {
  return aMs !== bMs ? aMs - bMs : aNs - bNs;
}

export function compareInstants(a: Instant, b: Instant): number {
  return compareParts(a.ms, a.ns, b.ms, b.ns);
}

export function sameInstant(a: Instant, b: Instant): boolean {
  return a.ms === b.ms && a.ns === b.ns;
}

/** `t + d`, exact for any duration a double holds exactly. */
export function addDuration(t: Instant, d: Duration): Instant {
  const wholeMs = Math.floor(d / NS_PER_MS);
  return instant(t.ms + wholeMs, t.ns + (d - wholeMs * NS_PER_MS));
}

/** `a - b` in nanoseconds. Exact while the difference is below 2^53 ns (104 days) or a whole number of ms. */
export function diff(a: Instant, b: Instant): Duration {
  return (a.ms - b.ms) * NS_PER_MS + (a.ns - b.ns);
}

/** Rounds down to a multiple of `d` since the epoch (Go's `time.Truncate` for UTC instants). */
export function truncate(t: Instant, d: Duration): Instant {
  if (d <= 0) return t;
  if (d % NS_PER_MS === 0) {
    const stepMs = d / NS_PER_MS;
    return { ms: t.ms - mod(t.ms, stepMs), ns: 0 };
  }
  // Sub-millisecond steps: work in nanoseconds relative to the enclosing whole second, which is exact.
  const secMs = t.ms - mod(t.ms, 1000);
  const inSecond = (t.ms - secMs) * NS_PER_MS + t.ns;
  if (SECOND % d === 0) return instant(secMs, inSecond - mod(inSecond, d));
  const total = BigInt(t.ms) * 1_000_000n + BigInt(t.ns);
  const step = BigInt(d);
  let rem = total % step;
  if (rem < 0n) rem += step;
  return fromBigNs(total - rem);
}

/** Rounds to the nearest multiple of `d`, halves away from zero (Go's `time.Round`). */
export function round(t: Instant, d: Duration): Instant {
  if (d <= 0) return t;
  const down = truncate(t, d);
  const rest = diff(t, down);
  return rest + rest < d ? down : addDuration(down, d);
}

function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

/** Nanoseconds since the epoch as a BigInt: for I/O and tests, never per point on the hot path. */
export function toBigNs(t: Instant): bigint {
  return BigInt(t.ms) * 1_000_000n + BigInt(t.ns);
}

export function fromBigNs(ns: bigint): Instant {
  let ms = ns / 1_000_000n;
  let rest = ns - ms * 1_000_000n;
  if (rest < 0n) {
    rest += 1_000_000n;
    ms -= 1n;
  }
  return { ms: Number(ms), ns: Number(rest) };
}

/** The decimal nanosecond text InfluxDB prints (`1700000000000000123`). */
export function toNsString(t: Instant): string {
  if (t.ms >= 0 && t.ms < 9e15) {
    if (t.ms === 0) return String(t.ns);
    return String(t.ms) + String(t.ns).padStart(6, '0');
  }
  return toBigNs(t).toString();
}

/** Parses decimal nanoseconds (optionally signed); undefined when the text is not an integer. */
export function parseNsString(text: string): Instant | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  return fromBigNs(BigInt(text));
}

/** Whole milliseconds as an instant. */
export function fromMillis(ms: number): Instant {
  const whole = Math.floor(ms);
  return instant(whole, Math.round((ms - whole) * NS_PER_MS));
}

/** RFC 3339 with nanoseconds, trailing zeros trimmed, as Go's `time.RFC3339Nano` prints UTC times. */
export function formatRFC3339Nano(t: Instant): string {
  const iso = new Date(t.ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const subMs = Number(iso.slice(20, 23));
  const frac = subMs * NS_PER_MS + t.ns;
  const head = iso.slice(0, iso.lastIndexOf('.'));
  if (frac === 0) return head + 'Z';
  return head + '.' + String(frac).padStart(9, '0').replace(/0+$/, '') + 'Z';
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parses RFC 3339 (with up to nine fractional digits and any offset); undefined when malformed. */
export function parseRFC3339(text: string): Instant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fracText = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const fracNs = fracText === '' ? 0 : Number(fracText.padEnd(9, '0'));
  return instant(ms, fracNs);
}

const GO_UNITS: ReadonlyArray<[string, number]> = [
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
];

/** Formats a duration as Go's `time.Duration.String` does: `1h2m3.5s`, `250ms`, `1.5µs`, `0s`. */
export function formatGoDuration(d: Duration): string {
  if (d === 0) return '0s';
  const neg = d < 0;
  let rest = Math.abs(d);
  let out: string;
  if (rest < SECOND) {
    if (rest < MICROSECOND) out = `${rest}ns`;
    else if (rest < MILLISECOND) out = `${trimFraction(rest / MICROSECOND)}µs`;
    else out = `${trimFraction(rest / MILLISECOND)}ms`;
  } else {
    out = '';
    for (const [unit, size] of GO_UNITS) {
      if (unit === 's') {
        out += `${formatSeconds(rest)}s`;
        break;
      }
      const whole = Math.floor(rest / size);
      if (whole > 0 || out !== '') out += `${whole}${unit}`;
      rest -= whole * size;
    }
  }
  return neg ? `-${out}` : out;
}

function formatSeconds(ns: number): string {
  const whole = Math.floor(ns / SECOND);
  const frac = ns - whole * SECOND;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
}

function trimFraction(value: number): string {
  // Go prints up to nine significant fractional digits without trailing zeros.
  return Number(value.toFixed(9)).toString();
}

/** Nanoseconds per unit of InfluxQL and TICKscript duration literals. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: NANOSECOND,
  u: MICROSECOND,
  µ: MICROSECOND,
  us: MICROSECOND,
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
  w: WEEK,
};

/**
 * Parses an InfluxQL / TICKscript duration literal such as `10s`, `1h30m`, `250ms`, `1u` or `2w`.
 * Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): Duration | undefined {
  if (text === '') return undefined;
  let total = 0;
  let i = 0;
  let neg = false;
  if (text[0] === '-') {
    neg = true;
    i = 1;
  }
  if (i >= text.length) return undefined;
  while (i < text.length) {
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start) return undefined;
    const digits = Number(text.slice(start, i));
    let unitEnd = i;
    while (unitEnd < text.length && !(text.charCodeAt(unitEnd) >= 48 && text.charCodeAt(unitEnd) <= 57)) unitEnd++;
    const unit = text.slice(i, unitEnd);
    const size = DURATION_UNITS[unit];
    if (size === undefined) return undefined;
    total += digits * size;
    i = unitEnd;
  }
  return neg ? -total : total;
}

/** Formats a duration the way InfluxQL and TICKscript literals write it (`10s`, `1h`, `90m`, `1500ms`). */
export function formatInfluxDuration(d: Duration): string {
  if (d === 0) return '0s';
  const neg = d < 0;
  const abs = Math.abs(d);
  const units: ReadonlyArray<[string, number]> = [
    ['w', WEEK],
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
    ['ms', MILLISECOND],
    ['u', MICROSECOND],
  ];
  let text = `${abs}ns`;
  for (const [unit, size] of units) {
    if (abs % size === 0) {
      text = `${abs / size}${unit}`;
      break;
    }
  }
  return neg ? `-${text}` : text;
}

/** The wall clock, injected so that the core never reads it directly and tests can drive it. */
export interface Clock {
  now(): Instant;
}

export const systemClock: Clock = {
  now(): Instant {
    // performance.timeOrigin + now() gives sub-millisecond resolution without BigInt.
    const ms = performance.timeOrigin + performance.now();
    return fromMillis(ms);
  },
};

/** A clock that only moves when told to: for tests and replays. */
export class ManualClock implements Clock {
  #current: Instant;
  constructor(start: Instant = ZERO_INSTANT) {
    this.#current = start;
  }
  now(): Instant {
    return this.#current;
  }
  set(t: Instant): void {
    this.#current = t;
  }
  advance(d: Duration): Instant {
    this.#current = addDuration(this.#current, d);
    return this.#current;
  }
}
