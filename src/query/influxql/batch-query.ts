// The InfluxQL side of a batch task's `query(...)` node: Kapacitor's query rewriting (time window,
// groupBy dimensions, alignGroup offset, fill) and its conversion of results into batches.

import type { Fields, Tags } from '../../core/point.ts';
import { compareInstants, type Duration, type Instant, toBigNs } from '../../core/time.ts';
import { isDomainError } from '../../core/errors.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import type { Expr, FillOption, SelectStatement, Statement } from './ast.ts';
import { invalidQuery } from './errors.ts';
import { parseQuery } from './parser.ts';
import { isInstant } from './result.ts';
import { executeSelect } from './select.ts';

/** A `groupBy` argument of the query node: a tag, `*`, or `time(interval[, offset])`. */
export type BatchDimension = string | { type: 'star' } | { type: 'time'; every: Duration; offset?: Duration };

export interface BatchQueryOptions {
  /** The node's query string (a single SELECT without a time range). */
  query: string;
  groupBy?: readonly BatchDimension[];
  groupByMeasurement?: boolean;
  alignGroup?: boolean;
  /** `.fill(...)`: 'null' | 'none' | 'previous' | 'linear' or a number. */
  fill?: string | number | bigint;
}

/** One query result series as a batch: Kapacitor's ResultToBufferedBatches. */
export interface QueryBatch {
  name: string;
  tags: Tags;
  byName: boolean;
  tmaxMs: number;
  tmaxNs: number;
  points: { tags: Tags; fields: Fields; timeMs: number; timeNs: number }[];
}

/** The window a tick queries: `stop = tick − offset`, `start = stop − period`. */
export function batchWindow(tick: Instant, period: Duration, offset: Duration): { start: Instant; stop: Instant } {
  const stop = shift(tick, -offset);
  return { start: shift(stop, -period), stop };
}

function shift(t: Instant, d: Duration): Instant {
  const ms = Math.floor(d / 1e6);
  let nextMs = t.ms + ms;
  let ns = t.ns + (d - ms * 1e6);
  if (ns >= 1e6) {
    nextMs += 1;
    ns -= 1e6;
  }
  return { ms: nextMs, ns };
}

function fillOf(fill: BatchQueryOptions['fill']): FillOption | undefined {
  if (fill === undefined) return undefined;
  if (typeof fill === 'number' || typeof fill === 'bigint') return { mode: 'value', value: fill };
  switch (fill) {
    case 'null':
      return { mode: 'null' };
    case 'none':
      return { mode: 'none' };
    case 'previous':
      return { mode: 'previous' };
    case 'linear':
      return { mode: 'linear' };
    default:
      throw invalidQuery(`unexpected fill option ${fill}`);
  }
}

function instantLiteral(t: Instant): Expr {
  return { kind: 'integer', value: toBigNs(t) };
}

export class BatchQuery {
  readonly #stmt: SelectStatement;
  readonly #options: BatchQueryOptions;
  readonly #timeDim: { every: Duration; offset: Duration } | undefined;
  readonly #fill: FillOption | undefined;

  /** Validates as Kapacitor does when the task starts; errors carry Kapacitor's texts. */
  constructor(options: BatchQueryOptions) {
    this.#options = options;
    let statements: Statement[];
    try {
      statements = parseQuery(options.query);
    } catch (err) {
      if (isDomainError(err)) throw invalidQuery(`failed to parse InfluxQL query: ${err.message.replace(/^error parsing query: /, '')}`);
      throw err;
    }
    if (statements.length !== 1) throw invalidQuery(`query must be a single select statement, got ${statements.length} statements`);
    const stmt = statements[0];
    if (stmt.kind !== 'select') throw invalidQuery(`query is not a select statement ${JSON.stringify(options.query)}`);
    this.#stmt = stmt;
    let timeDim: { every: Duration; offset: Duration } | undefined;
    for (const d of options.groupBy ?? []) {
      if (typeof d === 'object' && d.type === 'time') {
        if (timeDim !== undefined) throw invalidQuery('groupBy cannot have more than one time dimension');
        timeDim = { every: d.every, offset: d.offset ?? 0 };
      }
    }
    this.#timeDim = timeDim;
    this.#fill = fillOf(options.fill);
  }

  get groupedByTime(): boolean {
    return this.#timeDim !== undefined;
  }

  /** The databases and retention policies the query reads (Kapacitor's DBRPs). */
  dbrps(): { database: string; retentionPolicy: string }[] {
    return this.#stmt.sources.map((s) => ({ database: s.database ?? '', retentionPolicy: s.retentionPolicy ?? '' }));
  }

  /** The statement for the window [start, stop): the node's dimensions replace the query's GROUP BY. */
  statement(start: Instant, stop: Instant): SelectStatement {
    const window: Expr = {
      kind: 'binary',
      op: 'AND',
      left: { kind: 'binary', op: '>=', left: { kind: 'ref', name: 'time' }, right: instantLiteral(start) },
      right: { kind: 'binary', op: '<', left: { kind: 'ref', name: 'time' }, right: instantLiteral(stop) },
    };
    const stmt: SelectStatement = {
      ...this.#stmt,
      condition: this.#stmt.condition === undefined ? window : { kind: 'binary', op: 'AND', left: this.#stmt.condition, right: window },
      groupByTags: [],
      groupByAll: false,
      groupByTime: undefined,
    };
    for (const d of this.#options.groupBy ?? []) {
      if (typeof d === 'string') stmt.groupByTags.push(d);
      else if (d.type === 'star') stmt.groupByAll = true;
    }
    const td = this.#timeDim;
    if (td !== undefined) {
      let offset = td.offset;
      if (this.#options.alignGroup) offset = Number(((toBigNs(start) % BigInt(td.every)) + BigInt(td.every)) % BigInt(td.every));
      stmt.groupByTime = { interval: td.every, offset: ((offset % td.every) + td.every) % td.every };
    }
    if (this.#fill !== undefined) stmt.fill = this.#fill;
    return stmt;
  }

  /**
   * Runs the window against the store and returns one batch per result series. As in Kapacitor,
   * numbers become floats, null values are left out, a row without values is dropped, and the batch
   * time is the last point's time when grouped by time, else the window's stop.
   */
  async run(store: SeriesStore, start: Instant, stop: Instant): Promise<QueryBatch[]> {
    const series = await executeSelect(this.statement(start, stop), { store, now: stop });
    const byName = this.#options.groupByMeasurement ?? false;
    return series.map((s) => {
      const tags: Tags = { ...(s.tags ?? {}) };
      const batch: QueryBatch = { name: s.name ?? '', tags, byName, tmaxMs: 0, tmaxNs: 0, points: [] };
      let tmax: Instant | undefined;
      for (const row of s.values) {
        const t = row[0];
        if (!isInstant(t)) continue;
        const fields: Fields = {};
        let any = false;
        for (let c = 1; c < s.columns.length; c++) {
          const v = row[c];
          if (v === null || isInstant(v)) continue;
          fields[s.columns[c]] = typeof v === 'bigint' ? Number(v) : v;
          any = true;
        }
        if (!any) continue;
        if (tmax === undefined || compareInstants(t, tmax) > 0) tmax = t;
        batch.points.push({ tags, fields, timeMs: t.ms, timeNs: t.ns });
      }
      const time = tmax === undefined || !this.groupedByTime ? stop : tmax;
      batch.tmaxMs = time.ms;
      batch.tmaxNs = time.ns;
      return batch;
    });
  }
}
