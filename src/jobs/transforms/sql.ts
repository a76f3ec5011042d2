// Sql transform: a row-at-a-time SELECT (projection, WHERE, functions) compiled to closures over row values.

import { likeToRegExp } from '../../core/text-patterns.ts';
import { requiredStringOption } from '../config/job-config.ts';
import { coerce, parseType } from '../config/schema.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { sqlEval, sqlUnsupported } from '../errors.ts';
import type { Field, Row, SeaType, TableSchema, Value } from '../row.ts';
import { lookupFunction, num, str } from './sql/sql-functions.ts';
import { formatTimestamp } from './sql/sql-time.ts';
import { type Expr, parseSelect, type Select } from './sql/sql-parser.ts';

type Eval = (v: Value[]) => Value;
interface Compiled {
  type: SeaType;
  fn: Eval;
  /** The column name a bare reference gives its output. */
  name?: string;
}

const INTS = new Set(['tinyint', 'smallint', 'int']);

function numericKind(t: SeaType): 'int' | 'bigint' | 'double' | undefined {
  if (INTS.has(t.kind)) return 'int';
  if (t.kind === 'bigint') return 'bigint';
  if (t.kind === 'float' || t.kind === 'double' || t.kind === 'decimal') return 'double';
  return undefined;
}

/** Compares two non-null values: numbers numerically (exactly for bigint), everything else as text. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' && Number.isInteger(b)) return compareValues(a, BigInt(b as number));
    if (typeof b === 'bigint' && Number.isInteger(a)) return compareValues(BigInt(a as number), b);
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' || typeof a === 'bigint' || typeof b === 'number' || typeof b === 'bigint') {
    const x = num(a);
    const y = num(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function castTo(type: string, where: string): SeaType {
  const t = type.toUpperCase();
  const map: Record<string, string> = { VARCHAR: 'string', STRING: 'string', INTEGER: 'int', INT: 'int', LONG: 'bigint', BIGINT: 'bigint', BYTE: 'tinyint', TINYINT: 'tinyint', SMALLINT: 'smallint', FLOAT: 'float', REAL: 'float', DOUBLE: 'double', BOOLEAN: 'boolean', TIMESTAMP: 'timestamp', DATETIME: 'timestamp', DATE: 'date', TIME: 'time', BYTES: 'bytes' };
  if (t.startsWith('DECIMAL')) return parseType(t.toLowerCase(), where);
  const k = map[t];
  if (!k) throw sqlUnsupported(`CAST to ${type}`);
  return { kind: k } as SeaType;
}

/**
 * CAST to DATE/TIME/TIMESTAMP as SeaTunnel does it: epoch milliseconds to a timestamp, `yyyyMMdd`
 * and `HHmmss` integers to a date or time, and the date or time part of a timestamp.
 */
function castTemporal(a: Value, kind: string): Value | undefined {
  const p2 = (n: number) => String(n).padStart(2, '0');
  if (kind === 'timestamp' && (typeof a === 'number' || typeof a === 'bigint')) return formatTimestamp(new Date(Number(a)));
  if (kind === 'date') {
    if ((typeof a === 'number' || typeof a === 'bigint') && /^\d{8}$/.test(String(a))) {
      const t = String(a);
      return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
    }
    if (typeof a === 'string' && /^\d{4}-\d{2}-\d{2}[T ]/.test(a)) return a.slice(0, 10);
  }
  if (kind === 'time') {
    if ((typeof a === 'number' || typeof a === 'bigint') && Number(a) >= 0 && Number(a) < 240000) {
      const n = Number(a);
      return `${p2(Math.floor(n / 10000))}:${p2(Math.floor(n / 100) % 100)}:${p2(n % 100)}`;
    }
    if (typeof a === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(a)) return a.slice(11, 19).padEnd(8, ':00');
  }
  return undefined;
}

function arith(op: string, a: Value, b: Value, kind: 'int' | 'bigint' | 'double'): Value {
  if (kind === 'bigint') {
    const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(num(a)));
    const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(num(b)));
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        if (y === 0n) throw sqlEval('Division by zero');
        return x / y;
      default:
        if (y === 0n) throw sqlEval('Division by zero');
        return x % y;
    }
  }
  const x = num(a);
  const y = num(b);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0 && kind === 'int') throw sqlEval('Division by zero');
      return kind === 'int' ? Math.trunc(x / y) : x / y;
    default:
      if (y === 0 && kind === 'int') throw sqlEval('Division by zero');
      return x % y;
  }
}

/**
 * SQL's three-valued AND (`decisive` false) and OR (`decisive` true): the decisive value wins even
 * over null, so the right side is not evaluated once the left side has decided.
 */
function junction(a: Compiled, b: Compiled, decisive: boolean): Compiled {
  return {
    type: { kind: 'boolean' },
    fn: (v) => {
      const x = a.fn(v);
      if (x === decisive) return decisive;
      const y = b.fn(v);
      if (y === decisive) return decisive;
      return x === null || y === null ? null : !decisive;
    },
  };
}

class Compiler {
  constructor(
    readonly schema: TableSchema,
    readonly table: string,
    readonly now: () => number,
  ) {}

  column(path: string[]): Compiled {
    let p = path;
    if (p.length > 1 && p[0] === this.table && !this.schema.fields.some((f) => f.name === p[0])) p = p.slice(1);
    const idx = this.schema.fields.findIndex((f) => f.name === p[0]);
    if (idx < 0) throw sqlEval(`Column "${path.join('.')}" not found`);
    let type = this.schema.fields[idx].type;
    let fn: Eval = (v) => v[idx];
    // Nested access into rows and maps: c_row.c_inner.col, c_map.key.
    for (const key of p.slice(1)) {
      const inner = fn;
      if (type.kind === 'row') {
        const f = type.fields.find((x) => x.name === key);
        if (!f) throw sqlEval(`Column "${path.join('.')}" not found`);
        type = f.type;
      } else if (type.kind === 'map') type = type.value;
      else throw sqlEval(`Column "${path.join('.')}" is not a row or map`);
      fn = (v) => {
        const o = inner(v);
        return o !== null && typeof o === 'object' && !Array.isArray(o) && !(o instanceof Uint8Array) ? ((o as Record<string, Value>)[key] ?? null) : null;
      };
    }
    return { type, fn, name: p[p.length - 1] };
  }

  compile(e: Expr): Compiled {
    switch (e.t) {
      case 'lit': {
        const v = e.v;
        const type: SeaType =
          v === null ? { kind: 'null' } : typeof v === 'string' ? { kind: 'string' } : typeof v === 'boolean' ? { kind: 'boolean' } : typeof v === 'bigint' ? { kind: 'bigint' } : e.decimal ? { kind: 'double' } : { kind: 'int' };
        return { type, fn: () => v };
      }
      case 'col':
        return this.column(e.path);
      case 'star':
        throw sqlUnsupported('* outside the select list');
      case 'unary': {
        const x = this.compile(e.expr);
        if (e.op === 'NOT') return { type: { kind: 'boolean' }, fn: (v) => (x.fn(v) === null ? null : !x.fn(v)) };
        return {
          type: x.type,
          fn: (v) => {
            const a = x.fn(v);
            return a === null ? null : typeof a === 'bigint' ? -a : -num(a);
          },
        };
      }
      case 'bin':
        return this.binary(e.op, e.left, e.right);
      case 'isnull': {
        const x = this.compile(e.expr);
        return { type: { kind: 'boolean' }, fn: (v) => (x.fn(v) === null) !== e.not };
      }
      case 'in': {
        const x = this.compile(e.expr);
        const list = e.list.map((i) => this.compile(i));
        return {
          type: { kind: 'boolean' },
          fn: (v) => {
            const a = x.fn(v);
            if (a === null) return null;
            let sawNull = false;
            for (const item of list) {
              const b = item.fn(v);
              if (b === null) sawNull = true;
              else if (compareValues(a, b) === 0) return !e.not;
            }
            return sawNull ? null : e.not;
          },
        };
      }
      case 'like': {
        const x = this.compile(e.expr);
        const p = this.compile(e.pattern);
        const constant = e.pattern.t === 'lit' && typeof e.pattern.v === 'string' ? likeToRegExp(e.pattern.v, 'u') : undefined;
        return {
          type: { kind: 'boolean' },
          fn: (v) => {
            const a = x.fn(v);
            const pat = constant ?? (p.fn(v) === null ? undefined : likeToRegExp(str(p.fn(v)), 'u'));
            if (a === null || pat === undefined) return null;
            return pat.test(str(a)) !== e.not;
          },
        };
      }
      case 'between': {
        const x = this.compile(e.expr);
        const lo = this.compile(e.lo);
        const hi = this.compile(e.hi);
        return {
          type: { kind: 'boolean' },
          fn: (v) => {
            const a = x.fn(v);
            const l = lo.fn(v);
            const h = hi.fn(v);
            if (a === null || l === null || h === null) return null;
            return (compareValues(a, l) >= 0 && compareValues(a, h) <= 0) !== e.not;
          },
        };
      }
      case 'cast': {
        const x = this.compile(e.expr);
        const type = castTo(e.type, 'CAST');
        return {
          type,
          fn: (v) => {
            let a = x.fn(v);
            if (a === null) return null;
            if ((type.kind === 'int' || type.kind === 'bigint' || type.kind === 'tinyint' || type.kind === 'smallint') && typeof a === 'number') a = Math.trunc(a);
            if ((type.kind === 'int' || type.kind === 'bigint') && typeof a === 'string' && /^\s*-?\d+\.\d+\s*$/.test(a)) a = a.trim().split('.')[0];
            if (type.kind === 'string' && typeof a === 'number' && Number.isInteger(a) && numericKind(x.type) === 'double') return a.toFixed(1);
            const temporal = castTemporal(a, type.kind);
            if (temporal !== undefined) return temporal;
            try {
              return coerce(a, type, 'CAST');
            } catch {
              throw sqlEval(`Data conversion error converting "${str(a)}" to ${e.type}`);
            }
          },
        };
      }
      case 'case': {
        const operand = e.operand ? this.compile(e.operand) : undefined;
        const whens = e.whens.map((w) => ({ when: this.compile(w.when), result: this.compile(w.result) }));
        const otherwise = e.else ? this.compile(e.else) : undefined;
        const type = whens.find((w) => w.result.type.kind !== 'null')?.result.type ?? otherwise?.type ?? { kind: 'null' };
        return {
          type,
          fn: (v) => {
            const o = operand?.fn(v);
            for (const w of whens) {
              const c = w.when.fn(v);
              if (operand ? o !== null && c !== null && compareValues(o as Value, c) === 0 : c === true) return w.result.fn(v);
            }
            return otherwise ? otherwise.fn(v) : null;
          },
        };
      }
      case 'call': {
        const f = lookupFunction(e.name);
        if (!f) throw sqlUnsupported(`function ${e.name}`);
        const args = e.args.map((a) => this.compile(a));
        const now = this.now;
        const nullSafe = f.nullSafe === true;
        return {
          type: f.type(args.map((a) => a.type)),
          fn: (v) => {
            const vals = args.map((a) => a.fn(v));
            if (!nullSafe && vals.some((x) => x === null)) return null;
            return f.eval(vals, now);
          },
        };
      }
    }
  }

  binary(op: string, l: Expr, r: Expr): Compiled {
    const a = this.compile(l);
    const b = this.compile(r);
    const bool: SeaType = { kind: 'boolean' };
    switch (op) {
      case 'AND':
        return junction(a, b, false);
      case 'OR':
        return junction(a, b, true);
      case '||':
        return {
          type: { kind: 'string' },
          fn: (v) => {
            const x = a.fn(v);
            const y = b.fn(v);
            return x === null || y === null ? null : str(x) + str(y);
          },
        };
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const test: (c: number) => boolean =
          op === '=' ? (c) => c === 0 : op === '<>' ? (c) => c !== 0 : op === '<' ? (c) => c < 0 : op === '<=' ? (c) => c <= 0 : op === '>' ? (c) => c > 0 : (c) => c >= 0;
        return {
          type: bool,
          fn: (v) => {
            const x = a.fn(v);
            const y = b.fn(v);
            return x === null || y === null ? null : test(compareValues(x, y));
          },
        };
      }
      default: {
        const ka = numericKind(a.type);
        const kb = numericKind(b.type);
        if (op === '+' && (a.type.kind === 'string' || b.type.kind === 'string') && !(ka && kb)) {
          // H2 turns '+' on text into a numeric addition; keep that rather than concatenating.
          return { type: { kind: 'double' }, fn: (v) => (a.fn(v) === null || b.fn(v) === null ? null : num(a.fn(v)) + num(b.fn(v))) };
        }
        const kind = ka === 'double' || kb === 'double' || !ka || !kb ? 'double' : ka === 'bigint' || kb === 'bigint' ? 'bigint' : 'int';
        const type: SeaType = { kind: kind === 'int' ? 'int' : kind };
        return {
          type,
          fn: (v) => {
            const x = a.fn(v);
            const y = b.fn(v);
            return x === null || y === null ? null : arith(op, x, y, kind);
          },
        };
      }
    }
  }
}

function outputName(e: Expr, compiled: Compiled, i: number): string {
  if (compiled.name && e.t === 'col') return compiled.name;
  if (e.t === 'call') return `${e.name}(${e.args.map((a) => (a.t === 'col' ? a.path.join('.') : '')).join(',')})`;
  return `_col${i}`;
}

/** Compiles a SELECT against an input schema into an output schema, a filter and a projection. */
export function compileSelect(select: Select, input: TableSchema, now: () => number) {
  // Each lateral view adds its column to what later views, WHERE and the select list can see.
  let scope: TableSchema = input;
  const explodes: { fn: Eval; outer: boolean }[] = [];
  for (const lv of select.laterals) {
    const compiled = new Compiler(scope, select.table, now).compile(lv.expr);
    if (compiled.type.kind !== 'array') throw sqlEval(`EXPLODE needs an array, got ${compiled.type.kind}`);
    explodes.push({ fn: compiled.fn, outer: lv.outer });
    scope = { ...scope, fields: [...scope.fields, { name: lv.alias, type: compiled.type.element, nullable: true }] };
  }
  const c = new Compiler(scope, select.table, now);
  const fields: Field[] = [];
  const projections: Eval[] = [];
  select.items.forEach((item, i) => {
    if (item.expr.t === 'star') {
      scope.fields.forEach((f, k) => {
        fields.push(f);
        projections.push((v) => v[k]);
      });
      return;
    }
    const compiled = c.compile(item.expr);
    fields.push({ name: item.alias ?? outputName(item.expr, compiled, i), type: compiled.type.kind === 'null' ? { kind: 'string' } : compiled.type, nullable: true });
    projections.push(compiled.fn);
  });
  const where = select.where ? c.compile(select.where).fn : undefined;
  // A projection that lists every input column in order, unrenamed, passes rows through untouched.
  const identity =
    explodes.length === 0 &&
    fields.length === input.fields.length &&
    select.items.every((it) => it.expr.t === 'star' || it.expr.t === 'col') &&
    fields.every((f, i) => f.name === input.fields[i].name) &&
    select.items.flatMap((it) => (it.expr.t === 'star' ? input.fields.map((_, k) => k) : [input.fields.findIndex((f) => it.expr.t === 'col' && it.expr.path.length === 1 && f.name === it.expr.path[0])])).every((k, i) => k === i);
  return { schema: { table: input.table, fields, primaryKey: input.primaryKey } satisfies TableSchema, where, projections, identity, explodes };
}

class SqlTransform implements Transform {
  readonly #select: Select;
  readonly #now: () => number;
  #where: Eval | undefined;
  #projections: Eval[] = [];
  #identity = false;
  #explodes: { fn: Eval; outer: boolean }[] = [];

  constructor(ctx: ConnectorContext) {
    const query = requiredStringOption(ctx.options, 'query', ctx.pluginName);
    this.#select = parseSelect(query);
    this.#now = (ctx.services.now as (() => number) | undefined) ?? Date.now;
  }

  open(input: TableSchema): TableSchema {
    const { schema, where, projections, identity, explodes } = compileSelect(this.#select, input, this.#now);
    this.#explodes = explodes;
    this.#where = where;
    this.#projections = projections;
    this.#identity = identity;
    return schema;
  }

  /** Rows multiplied by the lateral views (each appends its element column). */
  #explode(rows: Row[]): Row[] {
    let current = rows;
    for (const { fn, outer } of this.#explodes) {
      const next: Row[] = [];
      for (const row of current) {
        const arr = fn(row.values);
        if (Array.isArray(arr) && arr.length > 0) for (const el of arr) next.push({ kind: row.kind, values: [...row.values, el] });
        else if (outer) next.push({ kind: row.kind, values: [...row.values, null] });
      }
      current = next;
    }
    return current;
  }

  map(input: Row[]): Row[] {
    const rows = this.#explodes.length > 0 ? this.#explode(input) : input;
    const out: Row[] = [];
    const where = this.#where;
    const proj = this.#projections;
    for (const row of rows) {
      if (where && where(row.values) !== true) continue;
      if (this.#identity) {
        out.push(row);
        continue;
      }
      const values: Value[] = new Array(proj.length);
      for (let i = 0; i < proj.length; i++) values[i] = proj[i](row.values);
      out.push({ kind: row.kind, values });
    }
    return out;
  }
}

export const sqlTransformFactory: TransformFactory = { kind: 'transform', name: 'Sql', create: (ctx) => new SqlTransform(ctx) };
