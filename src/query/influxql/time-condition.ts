// Splits a WHERE clause into the time range it bounds and the rest, evaluating time expressions
// (RFC 3339 strings, integer nanoseconds, Grafana's `1609459200000ms`, now() ± durations) exactly.

import { addDuration, compareInstants, fromBigNs, type Instant, parseRFC3339 } from '../../core/time.ts';
import { type Expr, unparen } from './ast.ts';
import { invalidQuery } from './errors.ts';

export interface TimeRange {
  /** Inclusive. */
  start?: Instant;
  /** Exclusive. */
  end?: Instant;
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  u: 1_000n,
  µ: 1_000n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

/** A duration literal's exact nanoseconds (the double in the AST rounds past 2^53). */
export function exactDurationNs(text: string): bigint {
  const neg = text.startsWith('-');
  let total = 0n;
  for (const m of (neg ? text.slice(1) : text).matchAll(/(\d+)([a-zµ]+)/g)) total += BigInt(m[1]) * (UNIT_NS[m[2]] ?? 0n);
  return neg ? -total : total;
}

function isTimeRef(e: Expr): boolean {
  return e.kind === 'ref' && e.name.toLowerCase() === 'time';
}


function containsTime(e: Expr): boolean {
  switch (e.kind) {
    case 'ref':
      return isTimeRef(e);
    case 'paren':
      return containsTime(e.expr);
    case 'binary':
      return containsTime(e.left) || containsTime(e.right);
    default:
      return false;
  }
}

/** Evaluates an expression that stands for an instant. */
export function timeValue(e: Expr, now: Instant): Instant {
  e = unparen(e);
  switch (e.kind) {
    case 'string': {
      const t = parseTimeString(e.value);
      if (t === undefined) throw invalidQuery(`invalid time literal: ${e.value}`);
      return t;
    }
    case 'integer':
      return fromBigNs(e.value);
    case 'number':
      return fromBigNs(BigInt(Math.round(e.value)));
    case 'duration':
      // Grafana writes absolute times as `1609459200000ms`: a duration since the epoch.
      return fromBigNs(exactDurationNs(e.text));
    case 'call':
      if (e.name === 'now' && e.args.length === 0) return now;
      break;
    case 'binary':
      if (e.op === '+' || e.op === '-') {
        const sign = e.op === '+' ? 1 : -1;
        const right = unparen(e.right);
        if (right.kind === 'duration') return addDuration(timeValue(e.left, now), sign * right.value);
        if (right.kind === 'integer') return addDuration(timeValue(e.left, now), sign * Number(right.value));
        const left = unparen(e.left);
        if (left.kind === 'duration' && sign === 1) return addDuration(timeValue(right, now), left.value);
      }
      break;
  }
  throw invalidQuery('invalid operation: time and *influxql.' + exprTypeName(e) + ' are not compatible');
}

function exprTypeName(e: Expr): string {
  switch (e.kind) {
    case 'ref':
      return 'VarRef';
    case 'call':
      return 'Call';
    case 'bool':
      return 'BooleanLiteral';
    default:
      return 'BinaryExpr';
  }
}

function parseTimeString(text: string): Instant | undefined {
  const full = parseRFC3339(text);
  if (full !== undefined) return full;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return parseRFC3339(`${text}T00:00:00Z`);
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/.exec(text);
  if (spaced !== null) return parseRFC3339(`${spaced[1]}T${spaced[2]}Z`);
  return undefined;
}

function later(a: Instant | undefined, b: Instant): Instant {
  return a === undefined || compareInstants(b, a) > 0 ? b : a;
}

function earlier(a: Instant | undefined, b: Instant): Instant {
  return a === undefined || compareInstants(b, a) < 0 ? b : a;
}

/**
 * Pulls `time` comparisons out of the top-level AND chain. Returns the range and the condition
 * without them. Time inside OR is rejected, as InfluxDB does.
 */
export function splitTimeCondition(cond: Expr | undefined, now: Instant): { range: TimeRange; rest: Expr | undefined } {
  const range: TimeRange = {};
  const walk = (e: Expr): Expr | undefined => {
    const u = unparen(e);
    if (u.kind === 'binary' && u.op === 'AND') {
      const l = walk(u.left);
      const r = walk(u.right);
      if (l === undefined) return r;
      if (r === undefined) return l;
      return { kind: 'binary', op: 'AND', left: l, right: r };
    }
    if (u.kind === 'binary' && (isTimeRef(u.left) || isTimeRef(u.right))) {
      const flipped = isTimeRef(u.right);
      const other = flipped ? u.left : u.right;
      let op = u.op;
      if (flipped) op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
      const t = timeValue(other, now);
      const after = addDuration(t, 1);
      // The range includes its start and excludes its end, so `> t` starts and `<= t` ends 1 ns after t.
      const start = op === '>' ? after : op === '>=' || op === '=' ? t : undefined;
      const end = op === '<' ? t : op === '<=' || op === '=' ? after : undefined;
      if (start === undefined && end === undefined) throw invalidQuery(`invalid time comparison operator: ${u.op}`);
      if (start !== undefined) range.start = later(range.start, start);
      if (end !== undefined) range.end = earlier(range.end, end);
      return undefined;
    }
    if (containsTime(u)) throw invalidQuery('invalid condition: time conditions must be joined with AND');
    return e;
  };
  const rest = cond === undefined ? undefined : walk(cond);
  return { range, rest };
}
