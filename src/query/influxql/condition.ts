// Evaluating InfluxQL expressions over one row (tags and fields), and turning the tag-only parts
// of a WHERE clause into a store-level tag filter.

import type { FieldValue, Tags } from '../../core/point.ts';
import type { TagExpr } from '../../store/series-store.ts';
import { type Expr, unparen } from './ast.ts';
import { applyMath, isMathFunction } from './math.ts';

/** Decides whether an unqualified identifier names a field (else it is a tag). */
export type FieldTest = (name: string) => boolean;

export interface Row {
  tags: Readonly<Tags>;
  field(name: string): FieldValue | undefined;
}


export function isTagRef(e: Expr, isField: FieldTest): e is Extract<Expr, { kind: 'ref' }> {
  return e.kind === 'ref' && (e.type === 'tag' || (e.type === undefined && !isField(e.name)));
}

/** The expression as a tag filter, or undefined when it needs fields or other operators. */
export function toTagExpr(e: Expr, isField: FieldTest): TagExpr | undefined {
  const u = unparen(e);
  if (u.kind !== 'binary') return undefined;
  if (u.op === 'AND' || u.op === 'OR') {
    const l = toTagExpr(u.left, isField);
    const r = toTagExpr(u.right, isField);
    if (l === undefined || r === undefined) return undefined;
    return { op: u.op === 'AND' ? 'and' : 'or', left: l, right: r };
  }
  let ref = unparen(u.left);
  let lit = unparen(u.right);
  if (!isTagRef(ref, isField)) {
    [ref, lit] = [lit, ref];
    if (!isTagRef(ref, isField)) return undefined;
  }
  if ((u.op === '=' || u.op === '!=') && lit.kind === 'string') return { op: u.op, key: ref.name, value: lit.value };
  if ((u.op === '=~' || u.op === '!~' || u.op === '=' || u.op === '!=') && lit.kind === 'regex') {
    return { op: u.op === '=~' || u.op === '=' ? '=~' : '!~', key: ref.name, value: lit.value };
  }
  return undefined;
}

/**
 * Splits a condition's top-level AND chain into what the store can filter (tags) and what must be
 * evaluated per row.
 */
export function splitTagCondition(cond: Expr | undefined, isField: FieldTest): { tags?: TagExpr; row?: Expr } {
  if (cond === undefined) return {};
  const whole = toTagExpr(cond, isField);
  if (whole !== undefined) return { tags: whole };
  const u = unparen(cond);
  if (u.kind === 'binary' && u.op === 'AND') {
    const l = splitTagCondition(u.left, isField);
    const r = splitTagCondition(u.right, isField);
    const tags = l.tags && r.tags ? ({ op: 'and', left: l.tags, right: r.tags } as TagExpr) : (l.tags ?? r.tags);
    const row = l.row && r.row ? ({ kind: 'binary', op: 'AND', left: l.row, right: r.row } as Expr) : (l.row ?? r.row);
    return { tags, row };
  }
  return { row: cond };
}

/** Every identifier an expression reads (for choosing which fields to scan). */
export function refsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'ref':
      out.add(e.name);
      break;
    case 'paren':
      refsOf(e.expr, out);
      break;
    case 'binary':
      refsOf(e.left, out);
      refsOf(e.right, out);
      break;
    case 'call':
      for (const a of e.args) refsOf(a, out);
      break;
  }
  return out;
}

export type Value = FieldValue | null;

/** Evaluates a value expression over a row; null when an operand is missing. */
export function evalValue(e: Expr, row: Row, isField: FieldTest): Value {
  switch (e.kind) {
    case 'number':
    case 'integer':
    case 'string':
    case 'bool':
      return e.value;
    case 'duration':
      return BigInt(e.value);
    case 'ref':
      if (e.type === 'tag' || (e.type === undefined && !isField(e.name))) return row.tags[e.name] ?? null;
      return row.field(e.name) ?? null;
    case 'paren':
      return evalValue(e.expr, row, isField);
    case 'binary':
      if (e.op === 'AND' || e.op === 'OR' || isComparison(e.op)) return evalCondition(e, row, isField);
      return arithmetic(e.op, evalValue(e.left, row, isField), evalValue(e.right, row, isField));
    case 'call':
      if (isMathFunction(e.name)) return applyMath(e.name, e.args.map((a) => evalValue(a, row, isField)));
      return null;
    default:
      return null;
  }
}

function isComparison(op: string): boolean {
  return op === '=' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=' || op === '=~' || op === '!~';
}

/** Evaluates a condition over a row. A comparison with a missing value is false. */
export function evalCondition(e: Expr, row: Row, isField: FieldTest): boolean {
  const u = unparen(e);
  if (u.kind !== 'binary') {
    const v = evalValue(u, row, isField);
    return v === true;
  }
  if (u.op === 'AND') return evalCondition(u.left, row, isField) && evalCondition(u.right, row, isField);
  if (u.op === 'OR') return evalCondition(u.left, row, isField) || evalCondition(u.right, row, isField);
  const right = unparen(u.right);
  if (right.kind === 'regex') {
    const v = evalValue(u.left, row, isField);
    if (typeof v !== 'string') return false;
    const hit = right.value.test(v);
    return u.op === '=~' || u.op === '=' ? hit : !hit;
  }
  if (!isComparison(u.op)) return evalValue(u, row, isField) === true;
  return compare(u.op, evalValue(u.left, row, isField), evalValue(right, row, isField));
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  let x: number | string | boolean;
  let y: number | string | boolean;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    return op === '=' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    x = Number(a);
    y = Number(b);
  } else if (typeof a === typeof b) {
    x = a as string | boolean;
    y = b as string | boolean;
  } else {
    return op === '!=';
  }
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      return false;
  }
}

/** InfluxQL arithmetic: integers stay integers except for division; floats win when mixed. */
export function arithmetic(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return BigInt.asIntN(64, a + b);
      case '-':
        return BigInt.asIntN(64, a - b);
      case '*':
        return BigInt.asIntN(64, a * b);
      case '/':
        return b === 0n ? 0 : Number(a) / Number(b);
      case '%':
        return b === 0n ? 0n : a % b;
      case '&':
        return a & b;
      case '|':
        return a | b;
      case '^':
        return a ^ b;
    }
    return null;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    if (op === '&') return a && b;
    if (op === '|') return a || b;
    if (op === '^') return a !== b;
    return null;
  }
  if ((typeof a !== 'number' && typeof a !== 'bigint') || (typeof b !== 'number' && typeof b !== 'bigint')) return null;
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? 0 : x / y;
    case '%':
      return y === 0 ? 0 : x % y;
  }
  return null;
}
