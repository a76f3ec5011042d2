// Built-in lambda functions (Kapacitor's tick/stateful/functions.go): signatures, behaviour and per-group state.

import { formatInfluxDuration, parseDuration } from '../../core/time.ts';
import { LambdaError } from '../errors.ts';
import type { TimeValue } from './types.ts';
import { dur, i64, isDur, MISSING, type TypeName, type Val } from './values.ts';

/** What a call site needs besides its arguments. */
export interface CallContext {
  /** Wall clock for `now()`. */
  now(): TimeValue;
  /** Random int source for `rand()`. */
  random(): number;
}

export interface Builtin {
  readonly name: string;
  /** Accepted argument domains and their result types (for the signature error text). */
  readonly sigs: ReadonlyArray<readonly [readonly TypeName[], TypeName]>;
  /** Creates the per-group state of one call site; only stateful functions have it. */
  readonly newState?: () => unknown;
  /** `args` is read during the call and never kept: each call site refills one array. */
  call(args: Val[], state: unknown, ctx: CallContext): Val;
  /** What `call` returns for one float argument (never throwing), for call sites that skip the argument array. */
  readonly float1?: (x: number) => number;
}

const FUNCS = new Map<string, Builtin>();

function def(
  name: string,
  sigs: ReadonlyArray<readonly [readonly TypeName[], TypeName]>,
  call: Builtin['call'],
  newState?: () => unknown,
  float1?: (x: number) => number,
): void {
  FUNCS.set(name, newState ? { name, sigs, call, newState } : float1 ? { name, sigs, call, float1 } : { name, sigs, call });
}

export function lookupBuiltin(name: string): Builtin | undefined {
  return FUNCS.get(name);
}

export function builtinNames(): string[] {
  return [...FUNCS.keys()];
}

function fail(message: string): never {
  throw new LambdaError(message);
}

// ---- conversions -------------------------------------------------------------------------------

function parseGoBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
  }
  return undefined;
}

def(
  'bool',
  [
    [['boolean'], 'boolean'],
    [['string'], 'boolean'],
    [['int'], 'boolean'],
    [['float'], 'boolean'],
  ],
  ([v]) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const b = parseGoBool(v);
      if (b === undefined) fail(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
      return b;
    }
    if (typeof v === 'bigint') {
      if (v === 1n) return true;
      if (v === 0n) return false;
      return fail(`cannot convert ${v} to boolean`);
    }
    if (v === 1) return true;
    if (v === 0) return false;
    return fail(`cannot convert ${formatGoFloat(v as number)} to boolean`);
  },
);

def(
  'int',
  [
    [['boolean'], 'int'],
    [['string'], 'int'],
    [['int'], 'int'],
    [['float'], 'int'],
    [['duration'], 'int'],
  ],
  ([v]) => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') return Number.isFinite(v) ? i64(BigInt(Math.trunc(v))) : -9223372036854775808n;
    if (typeof v === 'string') {
      if (!/^[+-]?\d+$/.test(v)) fail(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
      const n = BigInt(v);
      if (n !== i64(n)) fail(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
      return n;
    }
    if (isDur(v)) return BigInt(v.ns);
    return fail('value is not an int');
  },
);

def(
  'float',
  [
    [['boolean'], 'float'],
    [['string'], 'float'],
    [['int'], 'float'],
    [['float'], 'float'],
  ],
  ([v]) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const t = v.trim() === v ? v : '';
      const f = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|[Ii]nf(inity)?|NaN)$/.test(t) ? Number(t.replace(/^([+-]?)[Ii]nf(inity)?$/, '$1Infinity')) : Number.NaN;
      if (Number.isNaN(f) && t !== 'NaN') fail(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
      return f;
    }
    return fail('value is not a float');
  },
  undefined,
  (x) => x,
);

/** strconv.FormatFloat(f, 'f', -1, 64). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return f.toFixed(0);
  const s = String(f);
  if (!s.includes('e')) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead! + frac;
  if (exp >= 0) return sign + digits.padEnd(exp + 1, '0');
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

def(
  'string',
  [
    [['boolean'], 'string'],
    [['string'], 'string'],
    [['int'], 'string'],
    [['float'], 'string'],
    [['duration'], 'string'],
  ],
  ([v]) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return formatGoFloat(v);
    if (isDur(v)) return formatInfluxDuration(v.ns);
    return fail('cannot convert to string');
  },
);

def(
  'duration',
  [
    [['duration'], 'duration'],
    [['int', 'duration'], 'duration'],
    [['float', 'duration'], 'duration'],
    [['string'], 'duration'],
  ],
  (args) => {
    const [v, unit] = args;
    if (args.length === 1) {
      if (isDur(v)) return v;
      const d = parseDuration(v as string);
      if (d === undefined) fail(`invalid duration string ${JSON.stringify(v)}`);
      return dur(d);
    }
    const u = (unit as { ns: number }).ns;
    if (typeof v === 'bigint') return dur(Number(i64(v * BigInt(u))));
    return dur(Math.trunc((v as number) * u));
  },
);

// ---- math ---------------------------------------------------------------------------------------

const F1: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['float'], 'float']];
const F2: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['float', 'float'], 'float']];

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use a series / continued fraction split for double accuracy.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

function erfcLarge(x: number): number {
  // Continued fraction (Lentz) for erfc, x > 0.
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = x + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

function gamma(x: number): number {
  if (x === Math.floor(x) && x <= 0) return Number.NaN;
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999186,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (x + i);
  return Math.sqrt(2 * Math.PI) * t ** (x + 0.5) * Math.exp(-t) * a;
}

function besselJ(n: number, x: number): number {
  // Numerical integral of Bessel's first integral; accurate enough for alerting scripts.
  const steps = 2000;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const t = (Math.PI * i) / steps;
    const w = i === 0 || i === steps ? 0.5 : 1;
    sum += w * Math.cos(n * t - x * Math.sin(t));
  }
  return sum / steps;
}

function besselY(n: number, x: number): number {
  if (x <= 0) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  const steps = 4000;
  let a = 0;
  for (let i = 0; i <= steps; i++) {
    const t = (Math.PI * i) / steps;
    const w = i === 0 || i === steps ? 0.5 : 1;
    a += w * Math.sin(x * Math.sin(t) - n * t);
  }
  a = (a * Math.PI) / steps / Math.PI;
  // Second integral ∫0^∞ (e^{nt} + (-1)^n e^{-nt}) e^{-x sinh t} dt, truncated where the integrand vanishes.
  const upper = Math.asinh(50 / x) + 1;
  const m = 4000;
  let b = 0;
  for (let i = 0; i <= m; i++) {
    const t = (upper * i) / m;
    const w = i === 0 || i === m ? 0.5 : 1;
    b += w * (Math.exp(n * t) + (n % 2 === 0 ? 1 : -1) * Math.exp(-n * t)) * Math.exp(-x * Math.sinh(t));
  }
  b = (b * upper) / m / Math.PI;
  return a - b;
}

const MATH1: Record<string, (x: number) => number> = {
  abs: Math.abs,
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cbrt: Math.cbrt,
  ceil: Math.ceil,
  cos: Math.cos,
  cosh: Math.cosh,
  erf,
  erfc: (x) => 1 - erf(x),
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  floor: Math.floor,
  gamma,
  j0: (x) => besselJ(0, x),
  j1: (x) => besselJ(1, x),
  log: Math.log,
  log10: Math.log10,
  log1p: Math.log1p,
  log2: Math.log2,
  logb: (x) => (x === 0 ? Number.NEGATIVE_INFINITY : Number.isFinite(x) ? Math.floor(Math.log2(Math.abs(x))) : Math.abs(x)),
  sin: Math.sin,
  sinh: Math.sinh,
  sqrt: Math.sqrt,
  tan: Math.tan,
  tanh: Math.tanh,
  trunc: Math.trunc,
  y0: (x) => besselY(0, x),
  y1: (x) => besselY(1, x),
};
for (const [name, f] of Object.entries(MATH1)) def(name, F1, ([x]) => f(x as number), undefined, f);

const MATH2: Record<string, (a: number, b: number) => number> = {
  atan2: Math.atan2,
  hypot: Math.hypot,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
  mod: (a, b) => a % b,
  pow: (a, b) => a ** b,
};
for (const [name, f] of Object.entries(MATH2)) def(name, F2, ([a, b]) => f(a as number, b as number));

def('pow10', [[['int'], 'float']], ([n]) => 10 ** Number(n));
def('jn', [[['int', 'float'], 'float']], ([n, x]) => besselJ(Number(n), x as number));
def('yn', [[['int', 'float'], 'float']], ([n, x]) => besselY(Number(n), x as number));

// ---- strings ------------------------------------------------------------------------------------

const S2B: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['string', 'string'], 'boolean']];
const S2I: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['string', 'string'], 'int']];
const S2S: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['string', 'string'], 'string']];
const S1S: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['string'], 'string']];

function utf8Index(s: string, idx: number): bigint {
  return idx < 0 ? -1n : BigInt(Buffer.byteLength(s.slice(0, idx)));
}

def('strContains', S2B, ([s, sub]) => (s as string).includes(sub as string));
def('strContainsAny', S2B, ([s, chars]) => [...(chars as string)].some((c) => (s as string).includes(c)));
def('strHasPrefix', S2B, ([s, p]) => (s as string).startsWith(p as string));
def('strHasSuffix', S2B, ([s, p]) => (s as string).endsWith(p as string));
def('strCount', S2I, ([s, sub]) => {
  const str = s as string;
  const needle = sub as string;
  if (needle === '') return BigInt([...str].length + 1);
  let n = 0n;
  for (let i = str.indexOf(needle); i !== -1; i = str.indexOf(needle, i + needle.length)) n++;
  return n;
});
def('strIndex', S2I, ([s, sub]) => utf8Index(s as string, (s as string).indexOf(sub as string)));
def('strIndexAny', S2I, ([s, chars]) => {
  const str = s as string;
  let best = -1;
  for (const c of chars as string) {
    const i = str.indexOf(c);
    if (i !== -1 && (best === -1 || i < best)) best = i;
  }
  return utf8Index(str, best);
});
def('strLastIndex', S2I, ([s, sub]) => utf8Index(s as string, (s as string).lastIndexOf(sub as string)));
def('strLastIndexAny', S2I, ([s, chars]) => {
  const str = s as string;
  let best = -1;
  for (const c of chars as string) best = Math.max(best, str.lastIndexOf(c));
  return utf8Index(str, best);
});
def('strLength', [[['string'], 'int']], ([s]) => BigInt(Buffer.byteLength(s as string)));
def('strReplace', [[['string', 'string', 'string', 'int'], 'string']], ([s, oldS, newS, n]) => {
  let count = Number(n);
  const str = s as string;
  const o = oldS as string;
  const r = newS as string;
  if (o === r || count === 0) return str;
  if (o === '') {
    const chars = [...str];
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (count < 0 || done < count) {
        out += r;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let out = '';
  let from = 0;
  for (let i = str.indexOf(o); i !== -1 && count !== 0; i = str.indexOf(o, from)) {
    out += str.slice(from, i) + r;
    from = i + o.length;
    count--;
  }
  return out + str.slice(from);
});
def('strSubstring', [[['string', 'int', 'int'], 'string']], ([s, start, stop]) => {
  const bytes = Buffer.from(s as string, 'utf8');
  const a = Number(start);
  const b = Number(stop);
  if (a < 0) fail(`found negative index for strSubstring: ${a}`);
  if (b < 0) fail(`found negative index for strSubstring: ${b}`);
  if (b > bytes.length) fail(`stop index too large for string in strSubstring: ${b}`);
  if (a > b) fail(`slice bounds out of range [${a}:${b}]`);
  return bytes.subarray(a, b).toString('utf8');
});
def('strToLower', S1S, ([s]) => (s as string).toLowerCase());
def('strToUpper', S1S, ([s]) => (s as string).toUpperCase());
def('strTrimSpace', S1S, ([s]) => (s as string).replace(/^[\s\u0085]+|[\s\u0085]+$/g, ''));
function trimSet(s: string, cut: string, left: boolean, right: boolean): string {
  const set = new Set(cut);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}
def('strTrim', S2S, ([s, c]) => trimSet(s as string, c as string, true, true));
def('strTrimLeft', S2S, ([s, c]) => trimSet(s as string, c as string, true, false));
def('strTrimRight', S2S, ([s, c]) => trimSet(s as string, c as string, false, true));
def('strTrimPrefix', S2S, ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : (s as string)));
def('strTrimSuffix', S2S, ([s, p]) =>
  (p as string) !== '' && (s as string).endsWith(p as string) ? (s as string).slice(0, -(p as string).length) : (s as string),
);

def('regexReplace', [[['regex', 'string', 'string'], 'string']], ([re, s, repl]) => {
  const r = (re as { regex: RegExp }).regex;
  const global = new RegExp(r.source, r.flags.includes('g') ? r.flags : r.flags + 'g');
  const template = repl as string;
  return (s as string).replace(global, (...m: unknown[]) => {
    const hasGroups = typeof m[m.length - 1] === 'object';
    const groups = (hasGroups ? m[m.length - 1] : undefined) as Record<string, string | undefined> | undefined;
    const captures = m.slice(0, hasGroups ? -3 : -2) as Array<string | undefined>;
    return expandGo(template, captures, groups);
  });
});

/** Go's Regexp.Expand: `$name` takes the longest run of [A-Za-z0-9_], `${name}` braces it, `$$` is a dollar. */
function expandGo(template: string, captures: Array<string | undefined>, groups: Record<string, string | undefined> | undefined): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      name = close === -1 ? '' : template.slice(i + 2, close);
      end = close;
      if (close === -1 || !/^\w+$/.test(name)) {
        out += c;
        continue;
      }
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + name.length;
    }
    out += /^\d+$/.test(name) ? (captures[Number(name)] ?? '') : (groups?.[name] ?? '');
    i = end;
  }
  return out;
}

// ---- presence, time, formatting, conditional ---------------------------------------------------

def(
  'isPresent',
  [
    [['missing'], 'boolean'],
    [['boolean'], 'boolean'],
    [['int'], 'boolean'],
    [['float'], 'boolean'],
    [['string'], 'boolean'],
    [['duration'], 'boolean'],
    [['time'], 'boolean'],
    [['regex'], 'boolean'],
  ],
  ([v]) => v !== MISSING,
);

function localDate(t: Val): Date {
  const tv = t as TimeValue;
  return new Date(tv.ms);
}

const TIME1: ReadonlyArray<readonly [readonly TypeName[], TypeName]> = [[['time'], 'int']];
def('minute', TIME1, ([t]) => BigInt(localDate(t).getMinutes()));
def('hour', TIME1, ([t]) => BigInt(localDate(t).getHours()));
def('weekday', TIME1, ([t]) => BigInt(localDate(t).getDay()));
def('day', TIME1, ([t]) => BigInt(localDate(t).getDate()));
def('month', TIME1, ([t]) => BigInt(localDate(t).getMonth() + 1));
def('year', TIME1, ([t]) => BigInt(localDate(t).getFullYear()));
def('unixNano', TIME1, ([t]) => {
  const tv = t as TimeValue;
  return BigInt(tv.ms) * 1_000_000n + BigInt(tv.ns);
});
def('now', [[[], 'time']], (_args, _state, ctx) => ctx.now());

def(
  'humanBytes',
  [
    [['int'], 'string'],
    [['float'], 'string'],
  ],
  ([v]) => humanBytes(typeof v === 'bigint' ? Number(BigInt.asUintN(64, v)) : Math.trunc(Math.max(0, v as number))),
);

/** go-humanize's Bytes: SI units, one decimal below 10. */
export function humanBytes(s: number): string {
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  if (s < 10) return `${s} B`;
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const suffix = sizes[e]!;
  const val = Math.floor((s / 1000 ** e) * 10 + 0.5) / 10;
  return val < 10 ? `${val.toFixed(1)} ${suffix}` : `${val.toFixed(0)} ${suffix}`;
}

const IF_TYPES: TypeName[] = ['float', 'int', 'string', 'boolean', 'regex', 'time', 'duration'];
def(
  'if',
  IF_TYPES.map((t) => [['boolean', t, t], t] as const),
  ([c, a, b]) => (c ? a! : b!),
);

// ---- stateful ------------------------------------------------------------------------------------

interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

def(
  'sigma',
  [[['float'], 'float']],
  ([x], state) => {
    const st = state as RunningStats;
    const v = x as number;
    st.n++;
    const delta = v - st.mean;
    st.mean += delta / st.n;
    st.m2 += delta * (v - st.mean);
    if (st.n < 2) return 0;
    const stddev = Math.sqrt(st.m2 / (st.n - 1));
    return stddev === 0 ? 0 : Math.abs(v - st.mean) / stddev;
  },
  (): RunningStats => ({ n: 0, mean: 0, m2: 0 }),
);

def(
  'count',
  [[[], 'int']],
  (_args, state) => {
    const st = state as { n: bigint };
    st.n += 1n;
    return st.n;
  },
  () => ({ n: 0n }),
);

def(
  'spread',
  [[['float'], 'float']],
  ([x], state) => {
    const st = state as { min: number; max: number };
    const v = x as number;
    if (v < st.min) st.min = v;
    if (v > st.max) st.max = v;
    return st.max - st.min;
  },
  () => ({ min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }),
);

def(
  'rand',
  [
    [[], 'int'],
    [['int'], 'int'],
  ],
  (args, _state, ctx) => {
    if (args.length === 0) return BigInt(Math.floor(ctx.random() * 2 ** 53)) & 0x7fffffffffffffffn;
    const n = Number(args[0]);
    if (n <= 0) fail('invalid argument to Int63n');
    return BigInt(Math.floor(ctx.random() * n));
  },
  () => ({}),
);
