// SELECT over the series store: raw rows, aggregates and selectors per GROUP BY time bucket and tag
// set, math, transformations, fill, ordering and limits. Aggregates come from src/query/functions,
// the one implementation shared with the stream engine.

import type { FieldType, FieldValue, Tags } from '../../core/point.ts';
import { addDuration, compareParts, type Instant, NS_PER_MS, truncate, ZERO_INSTANT } from '../../core/time.ts';
import {
  bottom,
  count,
  CumulativeSum,
  Derivative,
  Difference,
  distinct,
  Elapsed,
  first,
  last,
  max,
  mean,
  median,
  min,
  MovingAverage,
  mode,
  percentile,
  type Samples,
  spread,
  stddev,
  sum,
  top,
  type Transform,
} from '../functions/index.ts';
import { columnValue, type FieldColumn, type SeriesChunk, type SeriesStore } from '../../store/series-store.ts';
import { type Expr, type SelectStatement, type Source, unparen } from './ast.ts';
import { arithmetic, evalCondition, evalValue, type FieldTest, type Row, refsOf, splitTagCondition, type Value } from './condition.ts';
import { databaseRequired, invalidQuery, mixedAggregates, tooManyBuckets } from './errors.ts';
import { applyMath, isMathFunction } from './math.ts';
import type { Cell, ResultSeries } from './result.ts';
import { splitTimeCondition, type TimeRange } from './time-condition.ts';

export interface SelectContext {
  store: SeriesStore;
  database?: string;
  retentionPolicy?: string;
  now: Instant;
  /** Refuse GROUP BY time queries that would produce more buckets than this (0 = 1,000,000). */
  maxBuckets?: number;
}

const AGGREGATES = new Set(['count', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'distinct']);
const SELECTORS = new Set(['first', 'last', 'min', 'max', 'percentile', 'top', 'bottom']);
const TRANSFORMS = new Set([
  'derivative',
  'non_negative_derivative',
  'difference',
  'non_negative_difference',
  'moving_average',
  'cumulative_sum',
  'elapsed',
]);
const MULTI_ROW = new Set(['top', 'bottom', 'distinct']);

const MISSING = Symbol('missing');
type Slot = Value | typeof MISSING;

interface Column {
  name: string;
  expr: Expr;
}

/** A field's rows in one chunk, only where the field has a value (and the row passed WHERE). */
interface FieldView {
  length: number;
  timeMs: ArrayLike<number>;
  timeNs: ArrayLike<number>;
  values: ArrayLike<FieldValue>;
}

interface Segment {
  view: FieldView;
  lo: number;
  hi: number;
}

interface Group {
  tags: Tags;
  chunks: SeriesChunk[];
}


/**
 * Whether an expression aggregates (an aggregate or selector call, possibly inside a
 * transformation). A transformation over a plain field, `derivative(v)`, works on raw rows.
 */
function hasAggregate(e: Expr): boolean {
  const u = unparen(e);
  if (u.kind === 'call') {
    if (AGGREGATES.has(u.name) || SELECTORS.has(u.name)) return true;
    if (TRANSFORMS.has(u.name)) return u.args[0] !== undefined && hasAggregate(u.args[0]);
    return u.args.some(hasAggregate);
  }
  if (u.kind === 'binary') return hasAggregate(u.left) || hasAggregate(u.right);
  return false;
}

/** InfluxQL's column name for an expression: refs and calls joined by `_`. */
function columnName(e: Expr): string {
  const names: string[] = [];
  const walk = (x: Expr) => {
    const u = unparen(x);
    if (u.kind === 'ref') names.push(u.name);
    else if (u.kind === 'call') names.push(u.name);
    else if (u.kind === 'binary') {
      walk(u.left);
      walk(u.right);
    }
  };
  walk(e);
  return names.join('_');
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = seen.get(n);
    seen.set(n, (k ?? 0) + 1);
    return k === undefined ? n : `${n}_${k}`;
  });
}

function compareTags(a: Tags, b: Tags): number {
  const ka = Object.keys(a).sort();
  for (const k of ka) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function groupKey(tags: Readonly<Tags>, keys: readonly string[]): { key: string; tags: Tags } {
  const out: Tags = {};
  let key = '';
  for (const k of keys) {
    const v = tags[k] ?? '';
    out[k] = v;
    key += `${k}\u0000${v}\u0001`;
  }
  return { key, tags: out };
}

/** Rejects calls this engine does not implement, in InfluxDB's words. */
function checkFunctions(e: Expr): void {
  const u = unparen(e);
  if (u.kind === 'call') {
    if (!AGGREGATES.has(u.name) && !SELECTORS.has(u.name) && !TRANSFORMS.has(u.name) && !isMathFunction(u.name)) {
      throw invalidQuery(`undefined function ${u.name}()`);
    }
    for (const a of u.args) checkFunctions(a);
  } else if (u.kind === 'binary') {
    checkFunctions(u.left);
    checkFunctions(u.right);
  }
}

export async function executeSelect(stmt: SelectStatement, ctx: SelectContext): Promise<ResultSeries[]> {
  for (const f of stmt.fields) checkFunctions(f.expr);
  const { range, rest } = splitTimeCondition(stmt.condition, ctx.now);
  const fields = stmt.fields.filter((f) => !(unparen(f.expr).kind === 'ref' && (unparen(f.expr) as { name: string }).name.toLowerCase() === 'time'));
  if (fields.length === 0) throw invalidQuery('at least 1 non-time field must be queried');
  const aggregate = fields.some((f) => hasAggregate(f.expr));
  if (aggregate && fields.some((f) => !hasAggregate(f.expr) && refsOf(f.expr).size > 0)) throw mixedAggregates();
  if (!aggregate && stmt.groupByTime !== undefined) throw invalidQuery('GROUP BY requires at least one aggregate function');
  const out: ResultSeries[] = [];
  for (const src of stmt.sources) {
    for (const target of await resolveSources(src, ctx)) {
      out.push(...(await selectMeasurement(stmt, fields, aggregate, target, range, rest, ctx)));
    }
  }
  out.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : compareTags(a.tags ?? {}, b.tags ?? {})));
  let series = out;
  if (stmt.soffset > 0) series = series.slice(stmt.soffset);
  if (stmt.slimit > 0) series = series.slice(0, stmt.slimit);
  return series;
}

interface Target {
  database: string;
  retentionPolicy: string;
  measurement: string;
}

async function resolveSources(src: Source, ctx: SelectContext): Promise<Target[]> {
  const database = src.database || ctx.database;
  if (database === undefined || database === '') throw databaseRequired();
  const retentionPolicy = src.retentionPolicy || ctx.retentionPolicy || '';
  if (typeof src.name === 'string') return [{ database, retentionPolicy, measurement: src.name }];
  const names = await ctx.store.listMeasurements({ database, retentionPolicy: retentionPolicy || undefined, measurement: src.name });
  return names.map((measurement) => ({ database, retentionPolicy, measurement }));
}

async function selectMeasurement(
  stmt: SelectStatement,
  fields: SelectStatement['fields'],
  aggregate: boolean,
  target: Target,
  range: TimeRange,
  rest: Expr | undefined,
  ctx: SelectContext,
): Promise<ResultSeries[]> {
  const store = ctx.store;
  const filter = { database: target.database, retentionPolicy: target.retentionPolicy || undefined, measurement: target.measurement };
  const fieldTypes = new Map<string, FieldType>();
  for (const f of await store.listFieldKeys(filter)) for (const k of f.fields) fieldTypes.set(k.key, k.type);
  if (fieldTypes.size === 0) return [];
  const tagKeys = (await store.listTagKeys(filter))[0]?.values ?? [];
  const isField: FieldTest = (name) => fieldTypes.has(name);
  const groupTags = stmt.groupByAll ? tagKeys : [...new Set(stmt.groupByTags)].sort();

  // Expand wildcards: fields (and, for raw queries, tags that are not grouped on), sorted by name.
  const columns: Column[] = [];
  for (const f of fields) {
    const u = unparen(f.expr);
    if (u.kind === 'wildcard') {
      const names = new Set<string>();
      if (u.type !== 'tag') for (const k of fieldTypes.keys()) names.add(k);
      if (u.type !== 'field' && !aggregate) for (const k of tagKeys) if (!groupTags.includes(k)) names.add(k);
      for (const n of [...names].sort()) columns.push({ name: n, expr: { kind: 'ref', name: n } });
      continue;
    }
    if (u.kind === 'call' && u.args.length > 0 && unparen(u.args[0]).kind === 'wildcard') {
      for (const [k, type] of [...fieldTypes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (u.name !== 'count' && u.name !== 'first' && u.name !== 'last' && u.name !== 'distinct' && u.name !== 'mode' && (type === 'string' || type === 'boolean')) continue;
        columns.push({ name: `${u.name}_${k}`, expr: { ...u, args: [{ kind: 'ref', name: k }, ...u.args.slice(1)] } });
      }
      continue;
    }
    columns.push({ name: f.alias ?? columnName(f.expr), expr: f.expr });
  }
  const names = uniqueNames(columns.map((c) => c.name));
  columns.forEach((c, i) => {
    c.name = names[i];
  });

  const { tags: tagFilter, row: rowCond } = splitTagCondition(rest, isField);
  const wanted = new Set<string>();
  for (const c of columns) for (const r of refsOf(c.expr)) if (fieldTypes.has(r)) wanted.add(r);
  if (rowCond !== undefined) for (const r of refsOf(rowCond)) if (fieldTypes.has(r)) wanted.add(r);
  if (wanted.size === 0) return [];

  let end = range.end;
  if (aggregate && stmt.groupByTime !== undefined && end === undefined) end = addDuration(ctx.now, 1);
  const groups = new Map<string, Group>();
  for await (const chunk of store.scan({ ...filter, tags: tagFilter, start: range.start, end, fields: [...wanted] })) {
    const g = groupKey(chunk.series.tags, groupTags);
    let group = groups.get(g.key);
    if (group === undefined) {
      group = { tags: g.tags, chunks: [] };
      groups.set(g.key, group);
    }
    group.chunks.push(chunk);
  }
  if (groups.size === 0) return [];

  const rowsOf = aggregate
    ? aggregateRows(stmt, columns, groups, { start: range.start, end }, rowCond, isField, ctx)
    : new Map([...groups].map(([k, g]) => [k, rawRows(columns, g, rowCond, isField)]));
  const out: ResultSeries[] = [];
  for (const [key, group] of groups) {
    let rows = rowsOf.get(key) ?? [];
    if (rows.length === 0) continue;
    if (stmt.descending) rows = rows.reverse();
    if (stmt.offset > 0) rows = rows.slice(stmt.offset);
    if (stmt.limit > 0) rows = rows.slice(0, stmt.limit);
    if (rows.length === 0) continue;
    const series: ResultSeries = { name: target.measurement, columns: ['time', ...columns.map((c) => c.name)], values: rows };
    if (groupTags.length > 0) series.tags = group.tags;
    out.push(series);
  }
  return out;
}

// ---- raw queries ---------------------------------------------------------------------------------

class ChunkRow implements Row {
  tags: Readonly<Tags>;
  i = 0;
  readonly #fields: ReadonlyMap<string, FieldColumn>;
  constructor(chunk: SeriesChunk) {
    this.tags = chunk.series.tags;
    this.#fields = chunk.fields;
  }
  field(name: string): FieldValue | undefined {
    const col = this.#fields.get(name);
    return col === undefined ? undefined : columnValue(col, this.i);
  }
}

function rawRows(columns: Column[], group: Group, rowCond: Expr | undefined, isField: FieldTest): Cell[][] {
  const rows: Cell[][] = [];
  // As in InfluxDB, a row exists when any field the columns refer to has a value at that time, even
  // if every column's result is null there (`SELECT v + w` where only w was written).
  const fields = [...new Set(columns.flatMap((c) => [...refsOf(c.expr)].filter(isField)))];
  const transforms = columns.map((c) => rawTransform(c.expr));
  for (const chunk of group.chunks) {
    const row = new ChunkRow(chunk);
    for (let i = 0; i < chunk.length; i++) {
      row.i = i;
      if (rowCond !== undefined && !evalCondition(rowCond, row, isField)) continue;
      if (!fields.some((f) => row.field(f) !== undefined)) continue;
      const cells: Cell[] = [{ ms: chunk.timeMs[i], ns: chunk.timeNs[i] }];
      for (let c = 0; c < columns.length; c++) {
        const t = transforms[c];
        cells.push(evalValue(t === undefined ? columns[c].expr : t.arg, row, isField));
      }
      rows.push(cells);
    }
  }
  if (group.chunks.length > 1) rows.sort((a, b) => compareCells(a[0], b[0]));
  if (transforms.every((t) => t === undefined)) return rows;
  // Transformations see the group's rows in time order; rows where none yields a value go.
  const states = transforms.map((t) => (t === undefined ? undefined : t.make()));
  const out: Cell[][] = [];
  for (const r of rows) {
    const time = r[0] as Instant;
    let any = false;
    const cells: Cell[] = [time];
    for (let c = 0; c < columns.length; c++) {
      const st = states[c];
      const v = r[c + 1] as Value;
      if (st === undefined) {
        cells.push(v);
        continue;
      }
      const o = v === null ? undefined : st.push(time.ms, time.ns, v);
      if (o !== undefined) any = true;
      cells.push(o ?? null);
    }
    if (any) out.push(cells);
  }
  return out;
}

function compareCells(a: Cell, b: Cell): number {
  const x = a as Instant;
  const y = b as Instant;
  return compareParts(x.ms, x.ns, y.ms, y.ns);
}

function rawTransform(e: Expr): { arg: Expr; make: () => Transform } | undefined {
  const u = unparen(e);
  if (u.kind !== 'call' || !TRANSFORMS.has(u.name)) return undefined;
  return { arg: u.args[0], make: () => makeTransform(u.name, u.args) };
}

function durationArg(e: Expr | undefined, fallback: number): number {
  if (e === undefined) return fallback;
  const u = unparen(e);
  if (u.kind === 'duration') return u.value;
  throw invalidQuery('second argument must be a duration');
}

function makeTransform(name: string, args: Expr[]): Transform {
  switch (name) {
    case 'derivative':
      return new Derivative(durationArg(args[1], 1e9));
    case 'non_negative_derivative':
      return new Derivative(durationArg(args[1], 1e9), true);
    case 'difference':
      return new Difference();
    case 'non_negative_difference':
      return new Difference(true);
    case 'moving_average': {
      const n = args[1] === undefined ? undefined : unparen(args[1]);
      if (n?.kind !== 'integer') throw invalidQuery('moving_average window must be an integer');
      return new MovingAverage(Number(n.value));
    }
    case 'cumulative_sum':
      return new CumulativeSum();
    default:
      return new Elapsed(durationArg(args[1], 1));
  }
}

// ---- aggregates -------------------------------------------------------------------------------

/** The rows of `chunk` that have `field` (and pass the row condition), as parallel columns. */
function fieldView(chunk: SeriesChunk, field: string, mask: Uint8Array | undefined): FieldView | undefined {
  const col = chunk.fields.get(field);
  if (col === undefined) return undefined;
  if (col.valid === undefined && mask === undefined && col.type !== 'boolean') {
    return { length: chunk.length, timeMs: chunk.timeMs, timeNs: chunk.timeNs, values: col.values as ArrayLike<FieldValue> };
  }
  const timeMs: number[] = [];
  const timeNs: number[] = [];
  const values: FieldValue[] = [];
  for (let i = 0; i < chunk.length; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const v = columnValue(col, i);
    if (v === undefined) continue;
    timeMs.push(chunk.timeMs[i]);
    timeNs.push(chunk.timeNs[i]);
    values.push(v);
  }
  return { length: values.length, timeMs, timeNs, values };
}

function bucketStartOf(ms: number, ns: number, interval: number, offset: number): Instant {
  return addDuration(truncate(addDuration({ ms, ns }, -offset), interval), offset);
}

/** Calls that read raw field values, keyed by their text, with the field they read. */
interface AggCall {
  name: string;
  field: string;
  args: Expr[];
  /** `count(distinct(f))`: count the distinct values. */
  ofDistinct?: boolean;
}

function collectCalls(e: Expr, out: Map<string, AggCall>): void {
  const u = unparen(e);
  if (u.kind === 'call') {
    if (TRANSFORMS.has(u.name)) {
      const inner = u.args[0] === undefined ? undefined : unparen(u.args[0]);
      if (inner?.kind === 'call') collectCalls(inner, out);
      return;
    }
    if (AGGREGATES.has(u.name) || SELECTORS.has(u.name)) {
      const arg = u.args[0] === undefined ? undefined : unparen(u.args[0]);
      if (u.name === 'count' && arg?.kind === 'call' && arg.name === 'distinct') {
        const inner = arg.args[0] === undefined ? undefined : unparen(arg.args[0]);
        if (inner?.kind !== 'ref') throw invalidQuery('expected field argument in distinct()');
        out.set(callKey(u), { name: 'count', field: inner.name, args: u.args, ofDistinct: true });
        return;
      }
      if (arg?.kind !== 'ref') throw invalidQuery(`expected field argument in ${u.name}()`);
      out.set(callKey(u), { name: u.name, field: arg.name, args: u.args });
      return;
    }
    for (const a of u.args) collectCalls(a, out);
  } else if (u.kind === 'binary') {
    collectCalls(u.left, out);
    collectCalls(u.right, out);
  }
}

const callKeys = new WeakMap<Expr, string>();

/** A call's identity text (cached per node: evaluated once per bucket on the hot path). */
function callKey(e: Expr): string {
  const cached = callKeys.get(e);
  if (cached !== undefined) return cached;
  const key = buildCallKey(e);
  callKeys.set(e, key);
  return key;
}

function buildCallKey(e: Expr): string {
  const u = unparen(e);
  if (u.kind !== 'call') return '';
  return `${u.name}(${u.args
    .map((a) => {
      const x = unparen(a);
      if (x.kind === 'call') return buildCallKey(x);
      return x.kind === 'ref' ? x.name : x.kind === 'duration' ? x.text : 'value' in x ? String(x.value) : x.kind;
    })
    .join(',')})`;
}

interface CallResult {
  value: Slot;
  /** The selected point's time (selectors), for queries that report it. */
  time?: Instant;
  /** Several rows (top, bottom, distinct). */
  rows?: { time: Instant; value: FieldValue }[];
}

function samplesOfSegments(segs: Segment[]): Samples {
  if (segs.length === 1) {
    const { view, lo, hi } = segs[0];
    return { length: hi - lo, timeMs: sliceOf(view.timeMs, lo, hi), timeNs: sliceOf(view.timeNs, lo, hi), values: sliceOf(view.values, lo, hi) };
  }
  const timeMs: number[] = [];
  const timeNs: number[] = [];
  const values: FieldValue[] = [];
  for (const { view, lo, hi } of segs) {
    for (let i = lo; i < hi; i++) {
      timeMs.push(view.timeMs[i]);
      timeNs.push(view.timeNs[i]);
      values.push(view.values[i]);
    }
  }
  return { length: values.length, timeMs, timeNs, values };
}

function sliceOf<T>(a: ArrayLike<T>, lo: number, hi: number): ArrayLike<T> {
  if (lo === 0 && hi === a.length) return a;
  const typed = a as unknown as { subarray?: (lo: number, hi: number) => ArrayLike<T> };
  if (typeof typed.subarray === 'function') return typed.subarray(lo, hi);
  return (a as T[]).slice(lo, hi);
}

function intArg(e: Expr | undefined, fn: string): number {
  const u = e === undefined ? undefined : unparen(e);
  if (u?.kind === 'integer') return Number(u.value);
  if (u?.kind === 'number') return u.value;
  throw invalidQuery(`expected integer argument in ${fn}()`);
}

function valuesOfSegments(segs: Segment[]): ArrayLike<FieldValue> {
  if (segs.length === 1) return sliceOf(segs[0].view.values, segs[0].lo, segs[0].hi);
  const values: FieldValue[] = [];
  for (const { view, lo, hi } of segs) for (let i = lo; i < hi; i++) values.push(view.values[i]);
  return values;
}

function runCall(call: AggCall, segs: Segment[] | undefined): CallResult {
  if (segs === undefined || segs.length === 0) return { value: MISSING };
  // Aggregates read values only; selectors need the times too.
  switch (call.name) {
    case 'count':
      if (call.ofDistinct) return { value: BigInt(distinct(samplesOfSegments(segs)).length) };
      return { value: count(valuesOfSegments(segs)) };
    case 'sum':
      return { value: sum(valuesOfSegments(segs)) ?? MISSING };
    case 'mean':
      return { value: mean(valuesOfSegments(segs)) ?? MISSING };
    case 'median':
      return { value: median(valuesOfSegments(segs)) ?? MISSING };
    case 'mode':
      return { value: mode(valuesOfSegments(segs)) ?? MISSING };
    case 'spread':
      return { value: spread(valuesOfSegments(segs)) ?? MISSING };
  }
  const s = samplesOfSegments(segs);
  if (s.length === 0) return { value: MISSING };
  const at = (i: number): CallResult => (i < 0 ? { value: MISSING } : { value: s.values[i], time: { ms: s.timeMs[i], ns: s.timeNs[i] } });
  switch (call.name) {
    case 'count':
      return { value: count(s.values) };
    case 'sum':
      return { value: sum(s.values) };
    case 'mean':
      return { value: mean(s.values) };
    case 'median':
      return { value: median(s.values) };
    case 'mode':
      return { value: mode(s.values) };
    case 'spread':
      return { value: spread(s.values) };
    case 'stddev':
      return { value: stddev(s.values) ?? MISSING };
    case 'first':
      return at(first(s));
    case 'last':
      return at(last(s));
    case 'min':
      return at(min(s));
    case 'max':
      return at(max(s));
    case 'percentile':
      return at(percentile(s, intArg(call.args[1], 'percentile')));
    case 'top':
    case 'bottom': {
      const n = intArg(call.args[call.args.length - 1], call.name);
      const idx = call.name === 'top' ? top(s, n) : bottom(s, n);
      return { value: MISSING, rows: idx.map((i) => ({ time: { ms: s.timeMs[i], ns: s.timeNs[i] }, value: s.values[i] })) };
    }
    default: {
      const d = distinct(s);
      return { value: MISSING, rows: d.map((x) => ({ time: { ms: x.timeMs, ns: x.timeNs }, value: x.value })) };
    }
  }
}

function evalAgg(e: Expr, results: Map<string, CallResult>): Slot {
  const u = unparen(e);
  switch (u.kind) {
    case 'call': {
      if (AGGREGATES.has(u.name) || SELECTORS.has(u.name)) return results.get(callKey(u))?.value ?? MISSING;
      if (isMathFunction(u.name)) {
        const args = u.args.map((a) => evalAgg(a, results));
        if (args.some((a) => a === MISSING)) return MISSING;
        return applyMath(u.name, args as Value[]);
      }
      return MISSING;
    }
    case 'binary': {
      const l = evalAgg(u.left, results);
      const r = evalAgg(u.right, results);
      if (l === MISSING || r === MISSING) return MISSING;
      return arithmetic(u.op, l, r);
    }
    case 'number':
    case 'integer':
    case 'string':
    case 'bool':
      return u.value;
    default:
      return MISSING;
  }
}

/** Where one field view's rows fall into buckets: [lo, hi) per bucket index, lo = -1 when none. */
interface Placement {
  view: FieldView;
  lo: Int32Array;
  hi: Int32Array;
}

/** The bucket grid of a query: `count` buckets of `interval` from `first` (one bucket without GROUP BY time). */
interface Grid {
  first: Instant;
  count: number;
  interval: number;
  offset: number;
  /** Whole-millisecond buckets: indices come from ms arithmetic alone. */
  msStep: number;
}

function gridIndex(g: Grid, ms: number, ns: number): number {
  if (g.msStep > 0) return Math.floor((ms - g.first.ms) / g.msStep);
  const start = bucketStartOf(ms, ns, g.interval, g.offset);
  return Math.round(((start.ms - g.first.ms) * NS_PER_MS + (start.ns - g.first.ns)) / g.interval);
}

function gridStart(g: Grid, idx: number): Instant {
  if (g.msStep > 0) return { ms: g.first.ms + idx * g.msStep, ns: 0 };
  return addDuration(g.first, idx * g.interval);
}

/** Fills a placement by walking the view once: each bucket's rows are one contiguous run. */
function place(view: FieldView, grid: Grid | undefined, count: number): Placement {
  const lo = new Int32Array(count).fill(-1);
  const hi = new Int32Array(count);
  if (grid === undefined) {
    lo[0] = 0;
    hi[0] = view.length;
    return { view, lo, hi };
  }
  const tm = view.timeMs;
  const tn = view.timeNs;
  let i = 0;
  while (i < view.length) {
    const idx = gridIndex(grid, tm[i], tn[i]);
    const next = gridStart(grid, idx + 1);
    let j = i + 1;
    while (j < view.length && (tm[j] < next.ms || (tm[j] === next.ms && tn[j] < next.ns))) j++;
    if (idx >= 0 && idx < count) {
      lo[idx] = i;
      hi[idx] = j;
    }
    i = j;
  }
  return { view, lo, hi };
}

function aggregateRows(
  stmt: SelectStatement,
  columns: Column[],
  groups: Map<string, Group>,
  range: TimeRange,
  rowCond: Expr | undefined,
  isField: FieldTest,
  ctx: SelectContext,
): Map<string, Cell[][]> {
  const calls = new Map<string, AggCall>();
  for (const c of columns) collectCalls(c.expr, calls);
  const callList = [...calls];
  const callFields = new Set([...calls.values()].map((c) => c.field));
  const gbt = stmt.groupByTime;
  const multi = columns.length === 1 && unparen(columns[0].expr).kind === 'call' && MULTI_ROW.has((unparen(columns[0].expr) as { name: string }).name);
  if (!multi && columns.some((c) => [...calls.values()].some((k) => MULTI_ROW.has(k.name)) && unparen(c.expr).kind !== 'call')) {
    throw invalidQuery('selector functions returning several rows must be queried alone');
  }
  const singleSelector =
    gbt === undefined &&
    calls.size === 1 &&
    columns.length === 1 &&
    unparen(columns[0].expr).kind === 'call' &&
    SELECTORS.has([...calls.values()][0].name);

  // Each group's rows per field (only rows that have the field and pass WHERE).
  const views = new Map<string, Map<string, FieldView[]>>();
  let minMs = Number.POSITIVE_INFINITY;
  let minNs = 0;
  for (const [key, group] of groups) {
    const byField = new Map<string, FieldView[]>();
    views.set(key, byField);
    for (const chunk of group.chunks) {
      let mask: Uint8Array | undefined;
      if (rowCond !== undefined) {
        mask = new Uint8Array(chunk.length);
        const row = new ChunkRow(chunk);
        for (let i = 0; i < chunk.length; i++) {
          row.i = i;
          mask[i] = evalCondition(rowCond, row, isField) ? 1 : 0;
        }
      }
      for (const field of callFields) {
        const view = fieldView(chunk, field, mask);
        if (view === undefined || view.length === 0) continue;
        if (view.timeMs[0] < minMs || (view.timeMs[0] === minMs && view.timeNs[0] < minNs)) {
          minMs = view.timeMs[0];
          minNs = view.timeNs[0];
        }
        let list = byField.get(field);
        if (list === undefined) {
          list = [];
          byField.set(field, list);
        }
        list.push(view);
      }
    }
  }
  if (minMs === Number.POSITIVE_INFINITY) return new Map();

  // The bucket grid every group shares: GROUP BY time fills the whole range.
  let grid: Grid | undefined;
  let count = 1;
  let noGridStart: Instant = range.start ?? ZERO_INSTANT;
  if (gbt !== undefined) {
    const first = range.start !== undefined ? bucketStartOf(range.start.ms, range.start.ns, gbt.interval, gbt.offset) : bucketStartOf(minMs, minNs, gbt.interval, gbt.offset);
    const lastT = addDuration(range.end ?? addDuration(ctx.now, 1), -1);
    const lastStart = bucketStartOf(lastT.ms, lastT.ns, gbt.interval, gbt.offset);
    count = Math.max(0, Math.round(((lastStart.ms - first.ms) * NS_PER_MS + (lastStart.ns - first.ns)) / gbt.interval) + 1);
    const maxBuckets = ctx.maxBuckets || 1_000_000;
    if (count > maxBuckets) throw tooManyBuckets(count, maxBuckets);
    const msStep = gbt.interval % NS_PER_MS === 0 && first.ns === 0 ? gbt.interval / NS_PER_MS : 0;
    grid = { first, count, interval: gbt.interval, offset: gbt.offset, msStep };
    noGridStart = first;
  }

  const transformCols = columns.map((c) => TRANSFORMS.has((unparen(c.expr) as { name?: string }).name ?? ''));
  const out = new Map<string, Cell[][]>();
  const scratch: Segment[] = [];
  const results = new Map<string, CallResult>();
  for (const [key, byField] of views) {
    const placements = new Map<string, Placement[]>();
    for (const [field, list] of byField) placements.set(field, list.map((v) => place(v, grid, count)));
    const segmentsAt = (field: string, idx: number): Segment[] | undefined => {
      const ps = placements.get(field);
      if (ps === undefined) return undefined;
      scratch.length = 0;
      for (const p of ps) if (p.lo[idx] >= 0 && p.hi[idx] > p.lo[idx]) scratch.push({ view: p.view, lo: p.lo[idx], hi: p.hi[idx] });
      return scratch.length === 0 ? undefined : scratch;
    };
    const runAll = (idx: number): boolean => {
      results.clear();
      let any = false;
      for (const [k, call] of callList) {
        const segs = segmentsAt(call.field, idx);
        if (segs !== undefined) any = true;
        results.set(k, runCall(call, segs));
      }
      return any;
    };
    const slots: Slot[][] = [];
    const times: Instant[] = [];
    const rows: Cell[][] = [];
    for (let idx = 0; idx < count; idx++) {
      const any = runAll(idx);
      const start = grid === undefined ? noGridStart : gridStart(grid, idx);
      if (multi) {
        const name = callList[0][1].name;
        const r = results.values().next().value as CallResult;
        for (const x of r.rows ?? []) rows.push([name === 'distinct' ? start : x.time, x.value]);
        continue;
      }
      if (!any && grid === undefined) continue;
      let time = start;
      if (singleSelector) time = results.values().next().value?.time ?? start;
      times.push(time);
      const row = new Array<Slot>(columns.length);
      for (let c = 0; c < columns.length; c++) row[c] = transformCols[c] ? MISSING : evalAgg(columns[c].expr, results);
      slots.push(row);
    }
    if (multi) {
      out.set(key, rows);
      continue;
    }
    applyTransforms(columns, slots, grid === undefined ? 1 : count, (idx) => {
      runAll(idx);
      return results;
    }, (idx) => (grid === undefined ? noGridStart : gridStart(grid, idx)));
    out.set(key, fillRows(stmt, columns, slots, times));
  }
  return out;
}

/** Transformations over aggregates: the inner aggregate per bucket, then the transformation in time order. */
function applyTransforms(
  columns: Column[],
  slots: Slot[][],
  count: number,
  resultsAt: (idx: number) => Map<string, CallResult>,
  startAt: (idx: number) => Instant,
): void {
  columns.forEach((c, ci) => {
    const u = unparen(c.expr);
    if (u.kind !== 'call' || !TRANSFORMS.has(u.name)) return;
    const inner = u.args[0] === undefined ? undefined : unparen(u.args[0]);
    if (inner?.kind !== 'call') throw invalidQuery(`aggregate function required inside the call to ${u.name}`);
    const t = makeTransform(u.name, u.args);
    for (let idx = 0; idx < count && idx < slots.length; idx++) {
      const v = evalAgg(inner, resultsAt(idx));
      if (v === MISSING || v === null) continue;
      const start = startAt(idx);
      const o = t.push(start.ms, start.ns, v);
      slots[idx][ci] = o === undefined ? MISSING : o;
    }
  });
}

function fillRows(stmt: SelectStatement, columns: Column[], slots: Slot[][], times: Instant[]): Cell[][] {
  const fill = stmt.fill;
  const transformCol = columns.map((c) => TRANSFORMS.has((unparen(c.expr) as { name?: string }).name ?? ''));
  // InfluxDB reports an empty bucket's count as 0 under fill(null).
  const countCol = columns.map((c) => (unparen(c.expr) as { name?: string }).name === 'count');
  const rows: Cell[][] = [];
  const previous: Value[] = columns.map(() => null);
  for (let r = 0; r < slots.length; r++) {
    const row = slots[r];
    const allMissing = row.every((v) => v === MISSING);
    if (allMissing && (fill.mode === 'none' || transformCol.some(Boolean))) continue;
    const cells: Cell[] = [times[r]];
    for (let c = 0; c < columns.length; c++) {
      let v = row[c];
      if (v === MISSING) {
        if (transformCol[c]) v = null;
        else if (fill.mode === 'value') v = fill.value;
        else if (fill.mode === 'previous') v = previous[c];
        else if (fill.mode === 'linear') v = interpolate(slots, times, r, c);
        else v = countCol[c] ? 0n : null;
      } else if (v !== null) {
        previous[c] = v;
      }
      cells.push(v);
    }
    rows.push(cells);
  }
  return rows;
}

function interpolate(slots: Slot[][], times: Instant[], r: number, c: number): Value {
  let p = r - 1;
  while (p >= 0 && (slots[p][c] === MISSING || slots[p][c] === null)) p--;
  let n = r + 1;
  while (n < slots.length && (slots[n][c] === MISSING || slots[n][c] === null)) n++;
  if (p < 0 || n >= slots.length) return null;
  const a = slots[p][c];
  const b = slots[n][c];
  if ((typeof a !== 'number' && typeof a !== 'bigint') || (typeof b !== 'number' && typeof b !== 'bigint')) return null;
  const span = (times[n].ms - times[p].ms) * NS_PER_MS + (times[n].ns - times[p].ns);
  const at = (times[r].ms - times[p].ms) * NS_PER_MS + (times[r].ns - times[p].ns);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + ((b - a) * BigInt(at)) / BigInt(span);
  return Number(a) + ((Number(b) - Number(a)) * at) / span;
}
