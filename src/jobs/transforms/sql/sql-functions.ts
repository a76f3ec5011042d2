// The Sql transform's function library (H2 semantics: null in, null out, except CONCAT and COALESCE-like ones).

import { randomUUID } from 'node:crypto';
import { sedReplacement } from '../../../core/text-patterns.ts';
import { sqlEval } from '../../errors.ts';
import type { SeaType, Value } from '../../row.ts';
import {
  addUnits,
  DAYS,
  diffUnits,
  formatDate,
  formatPattern,
  formatTime,
  formatTimestamp,
  isoWeek,
  parsePattern,
  toDate,
  truncate,
  zoneOffsetMinutes,
} from './sql-time.ts';

type Fn = (args: Value[], now: () => number) => Value;
export interface SqlFunction {
  /** Result type from argument types. */
  type: (args: SeaType[]) => SeaType;
  eval: Fn;
  /** Called even when an argument is null (CONCAT, COALESCE, ...). */
  nullSafe?: boolean;
}

const STRING: SeaType = { kind: 'string' };
const INT: SeaType = { kind: 'int' };
const BIGINT: SeaType = { kind: 'bigint' };
const DOUBLE: SeaType = { kind: 'double' };
const BOOLEAN: SeaType = { kind: 'boolean' };
const DATE: SeaType = { kind: 'date' };
const TIME: SeaType = { kind: 'time' };
const TIMESTAMP: SeaType = { kind: 'timestamp' };

export function str(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (v !== null && typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}
export function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(str(v));
  if (Number.isNaN(n)) throw sqlEval(`Data conversion error converting "${str(v)}" to a number`);
  return n;
}
function date(v: Value): Date {
  const d = toDate(v);
  if (!d) throw sqlEval(`Cannot parse "${str(v)}" as a date/time`);
  return d;
}

const fixed =
  (t: SeaType) =>
  (): SeaType =>
    t;
const sameAsFirst = (args: SeaType[]): SeaType => args[0] ?? STRING;
/** CEIL and FLOOR give whole numbers: bigint stays bigint, everything else becomes int (as SeaTunnel types them). */
const integral = (args: SeaType[]): SeaType => (args[0]?.kind === 'bigint' ? BIGINT : INT);

function decimals(x: number): number {
  const t = String(x);
  const e = t.indexOf('e-');
  if (e >= 0) return Number(t.slice(e + 2)) + (t.split('.')[1]?.split('e')[0].length ?? 0);
  return t.split('.')[1]?.length ?? 0;
}

function regexFlags(flags: string | undefined): string {
  let out = 'u';
  for (const f of flags ?? '') {
    if (f === 'i') out += 'i';
    else if (f === 'n') out += 's';
    else if (f === 'm') out += 'm';
    else if (f === 'c') out = out.replace('i', '');
  }
  return out;
}

function soundex(s: string): string {
  const codes: Record<string, string> = { B: '1', F: '1', P: '1', V: '1', C: '2', G: '2', J: '2', K: '2', Q: '2', S: '2', X: '2', Z: '2', D: '3', T: '3', L: '4', M: '5', N: '5', R: '6' };
  const up = s.toUpperCase().replace(/[^A-Z]/g, '');
  if (!up) return '';
  let out = up[0];
  let last = codes[up[0]] ?? '';
  for (const c of up.slice(1)) {
    const code = codes[c] ?? '';
    if (code && code !== last) out += code;
    if (c !== 'H' && c !== 'W') last = code;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.sign(x) * (Math.round(Math.abs(x) * f) / f);
}

function pad(left: boolean): Fn {
  return ([s, n, p]) => {
    const text = str(s);
    const len = num(n);
    const filler = p === undefined || p === null ? ' ' : str(p);
    if (text.length >= len) return text.slice(0, len);
    const fill = filler.repeat(Math.ceil((len - text.length) / Math.max(1, filler.length))).slice(0, len - text.length);
    return left ? fill + text : text + fill;
  };
}

function trimFn(mode: 'both' | 'left' | 'right'): Fn {
  return ([s, chars]) => {
    const set = chars === undefined || chars === null ? ' ' : str(chars);
    let text = str(s);
    if (mode !== 'right') while (text.length > 0 && set.includes(text[0])) text = text.slice(1);
    if (mode !== 'left') while (text.length > 0 && set.includes(text[text.length - 1])) text = text.slice(0, -1);
    return text;
  };
}

const math =
  (f: (x: number) => number): Fn =>
  ([x]) =>
    f(num(x));

export const FUNCTIONS: Record<string, SqlFunction> = {
  // ---- strings
  ASCII: { type: fixed(INT), eval: ([s]) => (str(s).length ? str(s).charCodeAt(0) : null) },
  BIT_LENGTH: { type: fixed(BIGINT), eval: ([s]) => BigInt(Buffer.byteLength(str(s)) * 8) },
  CHAR_LENGTH: { type: fixed(BIGINT), eval: ([s]) => BigInt(str(s).length) },
  LENGTH: { type: fixed(BIGINT), eval: ([s]) => BigInt(str(s).length) },
  OCTET_LENGTH: { type: fixed(BIGINT), eval: ([s]) => BigInt(Buffer.byteLength(str(s))) },
  CHAR: { type: fixed(STRING), eval: ([n]) => String.fromCharCode(num(n)) },
  CHR: { type: fixed(STRING), eval: ([n]) => String.fromCharCode(num(n)) },
  CONCAT: { type: fixed(STRING), nullSafe: true, eval: (args) => args.filter((a) => a !== null).map(str).join('') },
  CONCAT_WS: {
    type: fixed(STRING),
    nullSafe: true,
    eval: ([sep, ...rest]) => (sep === null ? null : rest.filter((a) => a !== null).map(str).join(str(sep))),
  },
  HEXTORAW: {
    type: fixed(STRING),
    eval: ([s]) => {
      const h = str(s);
      let out = '';
      for (let i = 0; i + 4 <= h.length; i += 4) out += String.fromCharCode(Number.parseInt(h.slice(i, i + 4), 16));
      return out;
    },
  },
  RAWTOHEX: {
    type: fixed(STRING),
    eval: ([s]) => Array.from(str(s), (c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join(''),
  },
  INSERT: {
    type: fixed(STRING),
    eval: ([s, start, len, add]) => {
      const text = str(s);
      const st = num(start) - 1;
      return text.slice(0, st) + str(add) + text.slice(st + num(len));
    },
  },
  LOWER: { type: fixed(STRING), eval: ([s]) => str(s).toLowerCase() },
  LCASE: { type: fixed(STRING), eval: ([s]) => str(s).toLowerCase() },
  UPPER: { type: fixed(STRING), eval: ([s]) => str(s).toUpperCase() },
  UCASE: { type: fixed(STRING), eval: ([s]) => str(s).toUpperCase() },
  LEFT: { type: fixed(STRING), eval: ([s, n]) => str(s).slice(0, Math.max(0, num(n))) },
  RIGHT: { type: fixed(STRING), eval: ([s, n]) => (num(n) <= 0 ? '' : str(s).slice(-num(n))) },
  LOCATE: {
    type: fixed(INT),
    eval: ([sub, s, start]) => {
      const text = str(s);
      const from = start === undefined || start === null ? 1 : num(start);
      if (from < 0) return text.lastIndexOf(str(sub), text.length + from) + 1;
      return text.indexOf(str(sub), Math.max(0, from - 1)) + 1;
    },
  },
  INSTR: { type: fixed(INT), eval: ([s, sub, start]) => str(s).indexOf(str(sub), start === undefined || start === null ? 0 : num(start) - 1) + 1 },
  LPAD: { type: fixed(STRING), eval: pad(true) },
  RPAD: { type: fixed(STRING), eval: pad(false) },
  LTRIM: { type: fixed(STRING), eval: trimFn('left') },
  RTRIM: { type: fixed(STRING), eval: trimFn('right') },
  TRIM: { type: fixed(STRING), eval: trimFn('both') },
  REGEXP_REPLACE: {
    type: fixed(STRING),
    eval: ([s, re, rep, flags]) => str(s).replace(new RegExp(str(re), `g${regexFlags(flags === undefined || flags === null ? undefined : str(flags))}`), sedReplacement(str(rep))),
  },
  REGEXP_LIKE: {
    type: fixed(BOOLEAN),
    // H2 (and SeaTunnel) test with Matcher.find: a match anywhere in the text counts.
    eval: ([s, re, flags]) => new RegExp(str(re), regexFlags(flags === undefined || flags === null ? undefined : str(flags))).test(str(s)),
  },
  REGEXP_SUBSTR: {
    type: fixed(STRING),
    eval: ([s, re, pos, occ, flags, group]) => {
      const text = str(s).slice(pos === undefined || pos === null ? 0 : num(pos) - 1);
      const rx = new RegExp(str(re), `g${regexFlags(flags === undefined || flags === null ? undefined : str(flags))}`);
      const want = occ === undefined || occ === null ? 1 : num(occ);
      let m: RegExpExecArray | null;
      let k = 0;
      while ((m = rx.exec(text))) {
        if (++k === want) return m[group === undefined || group === null ? 0 : num(group)] ?? null;
        if (m[0] === '') rx.lastIndex++;
      }
      return null;
    },
  },
  REPEAT: { type: fixed(STRING), eval: ([s, n]) => str(s).repeat(Math.max(0, num(n))) },
  REPLACE: {
    type: fixed(STRING),
    eval: ([s, from, to]) => str(s).replaceAll(str(from), to === undefined || to === null ? '' : str(to)),
  },
  SPLIT: { type: () => ({ kind: 'array', element: STRING }), eval: ([s, sep]) => str(s).split(str(sep)) },
  SOUNDEX: { type: fixed(STRING), eval: ([s]) => soundex(str(s)) },
  SPACE: { type: fixed(STRING), eval: ([n]) => ' '.repeat(Math.max(0, num(n))) },
  SUBSTRING: {
    type: fixed(STRING),
    eval: ([s, start, len]) => {
      const text = str(s);
      let st = num(start);
      st = st < 0 ? Math.max(0, text.length + st) : Math.max(0, st - 1);
      return len === undefined || len === null ? text.slice(st) : text.slice(st, st + Math.max(0, num(len)));
    },
  },
  TO_CHAR: {
    type: fixed(STRING),
    eval: ([v, fmt]) => {
      if (fmt === undefined || fmt === null) return str(v);
      const d = toDate(v);
      if (!d) return str(v);
      // Oracle-style patterns as H2's TO_CHAR takes them, mapped onto Java letters.
      const javaPattern = str(fmt).replace(/YYYY/g, 'yyyy').replace(/YY/g, 'yy').replace(/DD/g, 'dd').replace(/HH24/g, 'HH').replace(/MI/g, 'mm').replace(/SS/g, 'ss');
      return formatPattern(d, javaPattern);
    },
  },
  TRANSLATE: {
    type: fixed(STRING),
    eval: ([s, from, to]) => {
      const f = str(from);
      const t = str(to);
      let out = '';
      for (const c of str(s)) {
        const i = f.indexOf(c);
        if (i < 0) out += c;
        else if (i < t.length) out += t[i];
      }
      return out;
    },
  },
  // ---- numbers
  ABS: {
    type: sameAsFirst,
    eval: ([x]) => (typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(num(x))),
  },
  ACOS: { type: fixed(DOUBLE), eval: math(Math.acos) },
  ASIN: { type: fixed(DOUBLE), eval: math(Math.asin) },
  ATAN: { type: fixed(DOUBLE), eval: math(Math.atan) },
  COS: { type: fixed(DOUBLE), eval: math(Math.cos) },
  COSH: { type: fixed(DOUBLE), eval: math(Math.cosh) },
  COT: { type: fixed(DOUBLE), eval: math((x) => 1 / Math.tan(x)) },
  SIN: { type: fixed(DOUBLE), eval: math(Math.sin) },
  SINH: { type: fixed(DOUBLE), eval: math(Math.sinh) },
  TAN: { type: fixed(DOUBLE), eval: math(Math.tan) },
  TANH: { type: fixed(DOUBLE), eval: math(Math.tanh) },
  MOD: {
    type: (a) => (a.some((t) => t.kind === 'double' || t.kind === 'float' || t.kind === 'decimal') ? DOUBLE : (a[0] ?? INT)),
    eval: ([a, b]) => {
      if (typeof a === 'bigint' || typeof b === 'bigint') {
        const d = BigInt(num(b));
        if (d === 0n) throw sqlEval('Division by zero');
        return BigInt(num(a)) % d;
      }
      const x = num(a);
      const y = num(b);
      if (y === 0) throw sqlEval('Division by zero');
      if (Number.isInteger(x) && Number.isInteger(y)) return x % y;
      // Exact decimal remainder (13 mod 5.4 = 2.2, as H2's BigDecimal gives), not the binary one.
      const scale = Math.max(decimals(x), decimals(y));
      const f = 10 ** scale;
      return (Math.round(x * f) % Math.round(y * f)) / f;
    },
  },
  CEIL: { type: integral, eval: math(Math.ceil) },
  CEILING: { type: integral, eval: math(Math.ceil) },
  EXP: { type: fixed(DOUBLE), eval: math(Math.exp) },
  FLOOR: { type: integral, eval: math(Math.floor) },
  LN: { type: fixed(DOUBLE), eval: math(Math.log) },
  LOG: { type: fixed(DOUBLE), eval: ([b, x]) => (x === undefined ? Math.log(num(b)) : Math.log(num(x)) / Math.log(num(b))) },
  LOG10: { type: fixed(DOUBLE), eval: math(Math.log10) },
  RADIANS: { type: fixed(DOUBLE), eval: math((x) => (x * Math.PI) / 180) },
  SQRT: { type: fixed(DOUBLE), eval: math(Math.sqrt) },
  PI: { type: fixed(DOUBLE), eval: () => Math.PI },
  POWER: { type: fixed(DOUBLE), eval: ([a, b]) => num(a) ** num(b) },
  RAND: { type: fixed(DOUBLE), eval: () => Math.random() },
  RANDOM: { type: fixed(DOUBLE), eval: () => Math.random() },
  ROUND: {
    type: (a) => (a[0]?.kind === 'int' || a[0]?.kind === 'bigint' ? a[0] : DOUBLE),
    eval: ([x, d]) => (typeof x === 'bigint' ? x : round(num(x), d === undefined || d === null ? 0 : num(d))),
  },
  SIGN: { type: fixed(INT), eval: ([x]) => Math.sign(num(x)) },
  TRUNC: { type: fixed(DOUBLE), eval: ([x, d]) => (d === undefined || d === null ? Math.trunc(num(x)) : Math.trunc(num(x) * 10 ** num(d)) / 10 ** num(d)) },
  // ---- dates and times
  CURRENT_DATE: { type: fixed(DATE), eval: (_a, now) => formatDate(new Date(now())) },
  CURRENT_TIME: { type: fixed(TIME), eval: (_a, now) => formatTime(new Date(now())) },
  CURRENT_TIMESTAMP: { type: fixed(TIMESTAMP), eval: (_a, now) => formatTimestamp(new Date(now())) },
  NOW: { type: fixed(TIMESTAMP), eval: (_a, now) => formatTimestamp(new Date(now())) },
  DATEADD: {
    type: (a) => (a[2]?.kind === 'date' ? DATE : TIMESTAMP),
    eval: ([u, n, d]) => {
      const out = addUnits(str(u), num(n), date(d));
      return /^\d{4}-\d{2}-\d{2}$/.test(str(d)) && !/HOUR|MINUTE|SECOND|MILLI/i.test(str(u)) ? formatDate(out) : formatTimestamp(out);
    },
  },
  DATEDIFF: { type: fixed(BIGINT), eval: ([u, a, b]) => BigInt(diffUnits(str(u), date(a), date(b))) },
  DATE_TRUNC: { type: fixed(TIMESTAMP), eval: ([u, d]) => formatTimestamp(truncate(str(u), date(d))) },
  DAYNAME: { type: fixed(STRING), eval: ([d]) => DAYS[date(d).getUTCDay()] },
  DAY_OF_MONTH: { type: fixed(INT), eval: ([d]) => date(d).getUTCDate() },
  DAY_OF_WEEK: { type: fixed(INT), eval: ([d]) => date(d).getUTCDay() + 1 },
  DAY_OF_YEAR: {
    type: fixed(INT),
    eval: ([d]) => {
      const x = date(d);
      return Math.floor((x.getTime() - Date.UTC(x.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    },
  },
  FORMATDATETIME: { type: fixed(STRING), eval: ([d, p]) => formatPattern(date(d), str(p)) },
  HOUR: { type: fixed(INT), eval: ([d]) => date(d).getUTCHours() },
  MINUTE: { type: fixed(INT), eval: ([d]) => date(d).getUTCMinutes() },
  SECOND: { type: fixed(INT), eval: ([d]) => date(d).getUTCSeconds() },
  MONTH: { type: fixed(INT), eval: ([d]) => date(d).getUTCMonth() + 1 },
  MONTHNAME: { type: fixed(STRING), eval: ([d]) => formatPattern(date(d), 'MMMM') },
  QUARTER: { type: fixed(INT), eval: ([d]) => Math.floor(date(d).getUTCMonth() / 3) + 1 },
  WEEK: { type: fixed(INT), eval: ([d]) => isoWeek(date(d)) },
  YEAR: { type: fixed(INT), eval: ([d]) => date(d).getUTCFullYear() },
  IS_DATE: {
    type: fixed(BOOLEAN),
    nullSafe: true,
    eval: ([s, p]) => (s === null ? false : p === undefined || p === null ? toDate(s) !== null : parsePattern(str(s), str(p)) !== null),
  },
  PARSEDATETIME: {
    type: fixed(TIMESTAMP),
    eval: ([s, p]) => {
      const d = parsePattern(str(s), str(p));
      if (!d) throw sqlEval(`Cannot parse "${str(s)}" with pattern "${str(p)}"`);
      return formatTimestamp(d);
    },
  },
  FROM_UNIXTIME: {
    type: fixed(STRING),
    eval: ([sec, fmt, zone]) => {
      const offset = zone === undefined || zone === null ? 0 : zoneOffsetMinutes(str(zone));
      const d = new Date(num(sec) * 1000 + offset * 60_000);
      return formatPattern(d, fmt === undefined || fmt === null ? 'yyyy-MM-dd HH:mm:ss' : str(fmt));
    },
  },
  EXTRACT: {
    type: fixed(INT),
    eval: ([field, d]) => {
      const x = date(d);
      switch (str(field)) {
        case 'YEAR':
          return x.getUTCFullYear();
        case 'MONTH':
          return x.getUTCMonth() + 1;
        case 'DAY':
          return x.getUTCDate();
        case 'HOUR':
          return x.getUTCHours();
        case 'MINUTE':
          return x.getUTCMinutes();
        case 'SECOND':
          return x.getUTCSeconds();
        case 'MILLISECOND':
          return x.getUTCMilliseconds();
        case 'QUARTER':
          return Math.floor(x.getUTCMonth() / 3) + 1;
        case 'WEEK':
          return isoWeek(x);
        case 'DAY_OF_WEEK':
        case 'DOW':
          return x.getUTCDay() + 1;
        case 'DAY_OF_YEAR':
        case 'DOY':
          return Math.floor((x.getTime() - Date.UTC(x.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
        case 'EPOCH':
          return Math.floor(x.getTime() / 1000);
        default:
          throw sqlEval(`unknown EXTRACT field ${str(field)}`);
      }
    },
  },
  // ---- system
  COALESCE: { type: sameAsFirst, nullSafe: true, eval: (args) => args.find((a) => a !== null) ?? null },
  IFNULL: { type: sameAsFirst, nullSafe: true, eval: ([a, b]) => (a === null ? b : a) },
  NULLIF: { type: sameAsFirst, nullSafe: true, eval: ([a, b]) => (a !== null && b !== null && str(a) === str(b) ? null : a) },
  UUID: { type: fixed(STRING), eval: () => randomUUID() },
  ARRAY: { type: (a) => ({ kind: 'array', element: a[0] ?? STRING }), nullSafe: true, eval: (args) => args },
};

const ALIASES: Record<string, string> = {
  SUBSTR: 'SUBSTRING',
  POSITION: 'LOCATE',
  TIMESTAMPADD: 'DATEADD',
  TO_DATE: 'PARSEDATETIME',
  TRUNCATE: 'TRUNC',
  DAYOFMONTH: 'DAY_OF_MONTH',
  DAYOFWEEK: 'DAY_OF_WEEK',
  DAYOFYEAR: 'DAY_OF_YEAR',
};

export function lookupFunction(name: string): SqlFunction | undefined {
  const up = name.toUpperCase();
  return FUNCTIONS[ALIASES[up] ?? up];
}
