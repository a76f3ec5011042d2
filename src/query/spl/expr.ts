// Evaluates eval/where expressions over a row, with the SPL function library.

import { likeToRegExp, sedReplacement } from '../../core/text-patterns.ts';
import type { Expr } from './ast.ts';
import { type Row, type Scalar, type Value, isNull, toNumber, toText } from './values.ts';
import { partsIn } from './zoned-time.ts';

export interface EvalContext {
  /** The run's "now" (epoch ms), for `now()` and relative times. */
  readonly now: number;
  /** Zone for strftime. */
  readonly timezone: string;
}

type Fn = (args: readonly Value[], ctx: EvalContext) => Value;

interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly fn: Fn;
}

function num(v: Value): number | null {
  return toNumber(v) ?? null;
}

function math1(f: (x: number) => number): FunctionSpec {
  return {
    min: 1,
    max: 1,
    fn: ([x]) => {
      const n = num(x);
      if (n === null) return null;
      const r = f(n);
      return Number.isFinite(r) ? r : null;
    },
  };
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern.replace(/\(\?P</g, '(?<'));
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** The functions eval and where know, with their arities; the parser rejects anything else. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  if: { min: 3, max: 3, fn: ([c, a, b]) => (truthy(c) ? a : b) },
  case: {
    min: 2,
    max: 100,
    fn: (args) => {
      for (let i = 0; i + 1 < args.length; i += 2) if (truthy(args[i])) return args[i + 1];
      return null;
    },
  },
  coalesce: {
    min: 1,
    max: 100,
    fn: (args) => {
      for (const a of args) if (!isNull(a)) return a;
      return null;
    },
  },
  isnull: { min: 1, max: 1, fn: ([x]) => isNull(x) },
  isnotnull: { min: 1, max: 1, fn: ([x]) => !isNull(x) },
  isnum: { min: 1, max: 1, fn: ([x]) => typeof x === 'number' },
  isstr: { min: 1, max: 1, fn: ([x]) => typeof x === 'string' },
  null: { min: 0, max: 0, fn: () => null },
  len: {
    min: 1,
    max: 1,
    fn: ([x]) => {
      const s = toText(x);
      return s === undefined ? null : [...s].length;
    },
  },
  lower: { min: 1, max: 1, fn: ([x]) => toText(x)?.toLowerCase() ?? null },
  upper: { min: 1, max: 1, fn: ([x]) => toText(x)?.toUpperCase() ?? null },
  trim: { min: 1, max: 1, fn: ([x]) => toText(x)?.trim() ?? null },
  substr: {
    min: 2,
    max: 3,
    fn: ([s, start, length]) => {
      const text = toText(s);
      const from = num(start);
      if (text === undefined || from === null) return null;
      // 1-based; a negative start counts from the end.
      const begin = from > 0 ? from - 1 : from < 0 ? Math.max(0, text.length + from) : 0;
      if (length === undefined) return text.slice(begin);
      const n = num(length);
      return n === null ? null : text.slice(begin, begin + Math.max(0, n));
    },
  },
  replace: {
    min: 3,
    max: 3,
    fn: ([s, pattern, replacement]) => {
      const text = toText(s);
      const p = toText(pattern);
      const r = toText(replacement);
      if (text === undefined || p === undefined || r === undefined) return null;
      const re = new RegExp(regex(p).source, 'g');
      return text.replace(re, sedReplacement(r));
    },
  },
  match: {
    min: 2,
    max: 2,
    fn: ([s, pattern]) => {
      const text = toText(s);
      const p = toText(pattern);
      if (text === undefined || p === undefined) return null;
      return regex(p).test(text);
    },
  },
  round: {
    min: 1,
    max: 2,
    fn: ([x, digits]) => {
      const n = num(x);
      if (n === null) return null;
      const d = digits === undefined ? 0 : (num(digits) ?? 0);
      const f = 10 ** d;
      return Math.sign(n) * (Math.round(Math.abs(n) * f) / f);
    },
  },
  abs: math1(Math.abs),
  floor: math1(Math.floor),
  ceil: math1(Math.ceil),
  ceiling: math1(Math.ceil),
  sqrt: math1(Math.sqrt),
  exp: math1(Math.exp),
  ln: math1(Math.log),
  log: {
    min: 1,
    max: 2,
    fn: ([x, base]) => {
      const n = num(x);
      const b = base === undefined ? 10 : num(base);
      if (n === null || b === null || n <= 0) return null;
      return Math.log(n) / Math.log(b);
    },
  },
  pow: {
    min: 2,
    max: 2,
    fn: ([x, y]) => {
      const a = num(x);
      const b = num(y);
      return a === null || b === null ? null : a ** b;
    },
  },
  pi: { min: 0, max: 0, fn: () => Math.PI },
  tonumber: {
    min: 1,
    max: 2,
    fn: ([x, base]) => {
      if (base === undefined) return num(x);
      const text = toText(x);
      const b = num(base);
      if (text === undefined || b === null) return null;
      const n = Number.parseInt(text, b);
      return Number.isNaN(n) ? null : n;
    },
  },
  tostring: {
    min: 1,
    max: 2,
    fn: ([x, format]) => {
      if (isNull(x)) return null;
      const f = format === undefined ? undefined : toText(format);
      const n = num(x);
      if (f === 'hex' && n !== null) return `0x${Math.trunc(n).toString(16).toUpperCase()}`;
      if (f === 'commas' && n !== null) {
        const [whole, frac] = (Math.round(n * 100) / 100).toString().split('.');
        return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
      }
      return toText(x) ?? null;
    },
  },
  now: { min: 0, max: 0, fn: (_args, ctx) => ctx.now },
  strftime: {
    min: 2,
    max: 2,
    fn: ([t, format], ctx) => {
      const ms = num(t);
      const f = toText(format);
      return ms === null || f === undefined ? null : strftime(ms, f, ctx.timezone);
    },
  },
  mvcount: { min: 1, max: 1, fn: ([x]) => (isNull(x) ? null : Array.isArray(x) ? x.length : 1) },
  mvindex: {
    min: 2,
    max: 2,
    fn: ([x, i]) => {
      const list = Array.isArray(x) ? x : isNull(x) ? [] : [x as Scalar];
      const n = num(i);
      if (n === null) return null;
      return list[n < 0 ? list.length + n : n] ?? null;
    },
  },
};

export function truthy(v: Value | undefined): boolean {
  if (v === true) return true;
  if (v === false || isNull(v)) return false;
  if (typeof v === 'number') return v !== 0;
  return true;
}

/** Evaluates `e` against `row`. Missing fields are null and nulls propagate, as in SPL. */
export function evaluate(e: Expr, row: Row, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num':
    case 'str':
    case 'bool':
      return e.v;
    case 'null':
      return null;
    case 'field':
      return row[e.name] ?? null;
    case 'neg': {
      const n = num(evaluate(e.e, row, ctx));
      return n === null ? null : -n;
    }
    case 'not': {
      const v = evaluate(e.e, row, ctx);
      return isNull(v) ? null : !truthy(v);
    }
    case 'call':
      return FUNCTIONS[e.name].fn(
        e.args.map((a) => evaluate(a, row, ctx)),
        ctx,
      );
    default:
      return binary(e.op, e.l, e.r, row, ctx);
  }
}

function binary(op: string, l: Expr, r: Expr, row: Row, ctx: EvalContext): Value {
  if (op === 'AND') return truthy(evaluate(l, row, ctx)) && truthy(evaluate(r, row, ctx));
  if (op === 'OR') return truthy(evaluate(l, row, ctx)) || truthy(evaluate(r, row, ctx));
  const a = evaluate(l, row, ctx);
  const b = evaluate(r, row, ctx);
  if (isNull(a) || isNull(b)) return null;
  switch (op) {
    case '.':
      return toText(a)! + toText(b)!;
    case '+': {
      const x = toNumber(a);
      const y = toNumber(b);
      if (x !== undefined && y !== undefined) return x + y;
      return typeof a === 'string' && typeof b === 'string' ? a + b : null;
    }
    case '-':
    case '*':
    case '/':
    case '%': {
      const x = toNumber(a);
      const y = toNumber(b);
      if (x === undefined || y === undefined) return null;
      if (op === '-') return x - y;
      if (op === '*') return x * y;
      if (y === 0) return null;
      return op === '/' ? x / y : x % y;
    }
    case 'LIKE': {
      const text = toText(a)!;
      const pattern = toText(b)!;
      return likeToRegExp(pattern).test(text);
    }
    default: {
      const c = compareForExpr(a, b);
      switch (op) {
        case '=':
        case '==':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        default:
          return c >= 0;
      }
    }
  }
}

/** Numeric when both sides are numbers (or numeric text), else exact text order. */
function compareForExpr(a: Value, b: Value): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  const s = toText(a)!;
  const t = toText(b)!;
  return s < t ? -1 : s > t ? 1 : 0;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** strftime over epoch milliseconds (the unit of `_time` here) in `zone`. */
export function strftime(ms: number, format: string, zone: string): string {
  const p = partsIn(ms, zone);
  const two = (n: number) => String(n).padStart(2, '0');
  return format.replace(/%([a-zA-Z%]|\d?N)/g, (whole, code: string) => {
    switch (code) {
      case 'Y':
        return String(p.year);
      case 'y':
        return two(p.year % 100);
      case 'm':
        return two(p.month);
      case 'd':
        return two(p.day);
      case 'e':
        return String(p.day).padStart(2, ' ');
      case 'H':
        return two(p.hour);
      case 'I':
        return two(p.hour % 12 === 0 ? 12 : p.hour % 12);
      case 'p':
        return p.hour < 12 ? 'AM' : 'PM';
      case 'M':
        return two(p.minute);
      case 'S':
        return two(p.second);
      case 'N':
      case '3N':
        return String(p.millisecond).padStart(3, '0');
      case 'b':
        return MONTH_NAMES[p.month - 1];
      case 'a':
        return DAY_NAMES[p.weekday];
      case 'j': {
        const start = Date.UTC(p.year, 0, 1);
        return String(Math.floor((Date.UTC(p.year, p.month - 1, p.day) - start) / 86_400_000) + 1).padStart(3, '0');
      }
      case 's':
        return String(Math.floor(ms / 1000));
      case 'F':
        return `${p.year}-${two(p.month)}-${two(p.day)}`;
      case 'T':
        return `${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}
