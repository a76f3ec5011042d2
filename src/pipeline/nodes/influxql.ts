// InfluxQL functions as nodes: aggregates and selectors (one point per batch, or per run of equal
// timestamps on a stream), batch-producing functions (distinct, top, bottom, holtWinters) and
// stream transformations (difference, movingAverage, cumulativeSum, elapsed).

import type { FieldValue, Fields, Point, Tags } from '../../core/point.ts';
import { SECOND } from '../../core/time.ts';
import * as fns from '../../query/functions/index.ts';
import type { PipelineNode, Value } from '../../tick/pipeline.ts';
import { isDuration } from '../../tick/pipeline.ts';
import { invalidNode, missingField } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import type { TaskRuntime } from '../node.ts';
import { propFlag, propString } from '../props.ts';
import { PointSlots, RefColumn, SharedColumn } from '../slot-columns.ts';
import { SlotNode } from '../slot-node.ts';

type Shape = 'aggregate' | 'selector' | 'multi' | 'transform';

const SHAPES: Record<string, Shape> = {
  count: 'aggregate',
  mean: 'aggregate',
  median: 'aggregate',
  mode: 'aggregate',
  spread: 'aggregate',
  sum: 'aggregate',
  stddev: 'aggregate',
  first: 'selector',
  last: 'selector',
  min: 'selector',
  max: 'selector',
  percentile: 'selector',
  distinct: 'multi',
  top: 'multi',
  bottom: 'multi',
  holtWinters: 'multi',
  holtWintersWithFit: 'multi',
  difference: 'transform',
  movingAverage: 'transform',
  cumulativeSum: 'transform',
  elapsed: 'transform',
};

/**
 * True when the function's points carry only its result field (aggregates and transformations):
 * it reads nothing of its input but the field it is applied to. Selectors keep the selected row.
 */
export function emitsOnlyItsResult(kind: string): boolean {
  const shape = SHAPES[kind];
  return shape === 'aggregate' || shape === 'transform';
}

function num(v: Value | undefined, what: string, node: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw invalidNode(node, `${what} must be a number`);
}

/**
 * Per-group state exists only for stream input, in columns by group slot: a transformation's
 * running state, or for aggregates and selectors the run of points sharing one timestamp (a run
 * of one point, the usual state of an idle group, kept without objects).
 */
export class InfluxQLNode extends SlotNode {
  readonly #kind: string;
  readonly #shape: Shape;
  readonly #field: string;
  readonly #as: string;
  readonly #pointTimes: boolean;
  readonly #args: readonly Value[];
  /** top/bottom: extra fields or tags copied to each selected point. */
  readonly #extra: string[] = [];
  readonly #n: number = 0;
  readonly #percentile: number = 0;
  readonly #samples = new fns.SampleBuffer();
  readonly #rows: BatchPoint[] = [];
  readonly #transforms = new RefColumn<fns.Transform>();
  /** A run of one point, without the point object; longer runs in `#runs`. */
  readonly #one = new PointSlots();
  readonly #runs = new RefColumn<BatchPoint[]>();
  readonly #names = new SharedColumn<string>();

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#kind = spec.kind;
    const shape = SHAPES[spec.kind];
    if (shape === undefined) throw invalidNode(spec.name, `unknown InfluxQL function ${spec.kind}`);
    this.#shape = shape;
    this.#args = spec.args;
    if (spec.kind === 'top' || spec.kind === 'bottom') {
      this.#n = num(spec.args[0], 'the number of points', spec.name);
      this.#field = String(spec.args[1]);
      for (const v of spec.args.slice(2)) this.#extra.push(String(v));
    } else {
      this.#field = String(spec.args[0]);
    }
    if (spec.kind === 'percentile') this.#percentile = num(spec.args[1], 'the percentile', spec.name);
    this.#as = propString(spec, 'as', spec.kind);
    this.#pointTimes = propFlag(spec, 'usePointTimes') || shape === 'transform' || spec.kind.startsWith('holtWinters');
  }

  protected override opened(slot: number): void {
    if (this.#shape === 'transform') this.#transforms.set(slot, this.#newTransform());
  }

  protected clearSlot(slot: number): void {
    this.#transforms.set(slot, undefined);
    this.#one.clear(slot);
    this.#runs.set(slot, undefined);
    this.#names.clear(slot);
  }

  protected resizeColumns(capacity: number): void {
    this.#transforms.resize(capacity);
    this.#one.resize(capacity);
    this.#runs.resize(capacity);
    this.#names.resize(capacity);
  }

  protected moveColumns(from: number, to: number): void {
    this.#transforms.move(from, to);
    this.#one.move(from, to);
    this.#runs.move(from, to);
    this.#names.move(from, to);
  }

  #newTransform(): fns.Transform {
    const a = this.#args;
    switch (this.#kind) {
      case 'difference':
        return new fns.Difference();
      case 'cumulativeSum':
        return new fns.CumulativeSum();
      case 'movingAverage':
        return new fns.MovingAverage(num(a[1], 'the window', this.name));
      default:
        return new fns.Elapsed(isDuration(a[1]) ? a[1].ns : SECOND);
    }
  }

  protected override onPoint(p: Point, g: Group): void {
    const slot = this.hold(g);
    if (this.#shape === 'transform') {
      const v = p.fields[this.#field];
      if (v === undefined) throw missingField(this.#field);
      const out = this.#transforms.get(slot)!.push(p.timeMs, p.timeNs, v);
      if (out !== undefined) {
        this.emitPoint(
          { name: p.name, database: '', retentionPolicy: '', tags: g.tags, fields: { [this.#as]: out }, timeMs: p.timeMs, timeNs: p.timeNs },
          g,
        );
      }
      return;
    }
    // Without a window, points sharing a timestamp form one run; a new timestamp closes the run.
    const groupTags = this.rt.groups.at(slot).tags;
    let run = this.#runs.get(slot) ?? (this.#one.has(slot) ? [this.#one.get(slot, groupTags)] : undefined);
    if (run !== undefined && (run[0].timeMs !== p.timeMs || run[0].timeNs !== p.timeNs)) {
      const first = run[0];
      this.#one.clear(slot);
      this.#runs.set(slot, undefined);
      this.#reduce({ name: this.#names.get(slot), group: g, tmaxMs: first.timeMs, tmaxNs: first.timeNs, points: run }, true);
      run = undefined;
    }
    this.#names.set(slot, p.name);
    if (run === undefined) this.#one.set(slot, p, groupTags);
    else {
      run.push(p);
      this.#one.clear(slot);
      this.#runs.set(slot, run);
    }
  }

  /** Batches carry everything needed: no per-group state is kept for them (so idle groups cost nothing here). */
  protected override onBatch(b: Batch): void {
    if (this.#shape === 'transform') {
      const t = this.#newTransform();
      const points: BatchPoint[] = [];
      for (const p of b.points) {
        const v = p.fields[this.#field];
        if (v === undefined) {
          this.fail(missingField(this.#field));
          continue;
        }
        const out = t.push(p.timeMs, p.timeNs, v);
        if (out !== undefined) points.push({ tags: b.group.tags, fields: { [this.#as]: out }, timeMs: p.timeMs, timeNs: p.timeNs });
      }
      this.emitBatch({ ...b, points });
      return;
    }
    this.#reduce(b, false);
  }

  /** Collects the field's values (skipping points without it or of another type) and applies the function. */
  #reduce(b: Batch, fromStream: boolean): void {
    // Reused across batches: every function below reads the samples before this call returns.
    const buf = this.#samples;
    const rows = this.#rows;
    buf.clear();
    rows.length = 0;
    let type: string | undefined;
    for (const p of b.points) {
      const v = p.fields[this.#field];
      if (v === undefined) {
        this.fail(missingField(this.#field));
        continue;
      }
      const t = typeof v;
      if (type === undefined) type = t;
      else if (t !== type) {
        this.fail(invalidNode(this.name, `unexpected field type for "${this.#field}"`));
        continue;
      }
      buf.push(p.timeMs, p.timeNs, v);
      rows.push(p);
    }
    buf.trim(); // the value column's own length must match: aggregates read it directly
    if (buf.length === 0 && this.#kind !== 'count' && this.#kind !== 'sum') return;
    const g = b.group;
    switch (this.#shape) {
      case 'aggregate': {
        const value = this.#aggregate(buf.values, type);
        if (value === null) return;
        this.#emitOne(b, g.tags, { [this.#as]: value }, b.tmaxMs, b.tmaxNs);
        return;
      }
      case 'selector': {
        const i = this.#select(buf);
        if (i < 0) return;
        const row = rows[i];
        // Renaming builds a fresh object: `delete` would switch it to slow dictionary mode.
        let fields: Fields = row.fields;
        if (this.#as !== this.#field) {
          fields = {};
          for (const k in row.fields) fields[k === this.#field ? this.#as : k] = row.fields[k];
        }
        const usePoint = this.#pointTimes && !fromStream;
        this.#emitOne(b, row.tags, fields, usePoint ? row.timeMs : b.tmaxMs, usePoint ? row.timeNs : b.tmaxNs);
        return;
      }
      default:
        this.#emitMany(b, buf, rows);
    }
  }

  #aggregate(values: FieldValue[], type: string | undefined): FieldValue | null {
    switch (this.#kind) {
      case 'count':
        return fns.count(values);
      case 'sum':
        return values.length === 0 ? (type === 'bigint' ? 0n : 0) : fns.sum(values);
      case 'mean':
        return fns.mean(values);
      case 'median':
        return fns.median(values);
      case 'mode':
        return fns.mode(values);
      case 'spread':
        return fns.spread(values);
      default:
        return fns.stddev(values);
    }
  }

  #select(s: fns.Samples): number {
    switch (this.#kind) {
      case 'first':
        return fns.first(s);
      case 'last':
        return fns.last(s);
      case 'min':
        return fns.min(s);
      case 'max':
        return fns.max(s);
      default:
        return fns.percentile(s, this.#percentile);
    }
  }

  #emitOne(b: Batch, tags: Tags, fields: Fields, timeMs: number, timeNs: number): void {
    this.emitPoint({ name: b.name, database: '', retentionPolicy: '', tags, fields, timeMs, timeNs }, b.group);
  }

  #emitMany(b: Batch, buf: fns.SampleBuffer, rows: BatchPoint[]): void {
    const g = b.group;
    const points: BatchPoint[] = [];
    const at = (ms: number, ns: number): [number, number] => (this.#pointTimes ? [ms, ns] : [b.tmaxMs, b.tmaxNs]);
    if (this.#kind === 'distinct') {
      for (const x of fns.distinct(buf)) {
        const [ms, ns] = at(x.timeMs, x.timeNs);
        points.push({ tags: g.tags, fields: { [this.#as]: x.value }, timeMs: ms, timeNs: ns });
      }
    } else if (this.#kind === 'top' || this.#kind === 'bottom') {
      const pick = this.#kind === 'top' ? fns.top : fns.bottom;
      for (const i of pick(buf, this.#n)) {
        const row = rows[i];
        const fields: Fields = { [this.#as]: buf.values[i] };
        let tags = g.tags;
        for (const name of this.#extra) {
          if (row.tags[name] !== undefined) {
            if (tags === g.tags) tags = { ...g.tags };
            tags[name] = row.tags[name];
          } else if (row.fields[name] !== undefined) fields[name] = row.fields[name];
        }
        const [ms, ns] = at(row.timeMs, row.timeNs);
        points.push({ tags, fields, timeMs: ms, timeNs: ns });
      }
    } else {
      const a = this.#args;
      const h = num(a[1], 'h', this.name);
      const m = num(a[2], 'm', this.name);
      const interval = isDuration(a[3]) ? a[3].ns : SECOND;
      for (const x of fns.holtWinters(buf, h, m, interval, this.#kind === 'holtWintersWithFit')) {
        points.push({ tags: g.tags, fields: { [this.#as]: x.value }, timeMs: x.timeMs, timeNs: x.timeNs });
      }
    }
    this.emitBatch({ name: b.name, group: g, tmaxMs: b.tmaxMs, tmaxNs: b.tmaxNs, points });
  }
}
