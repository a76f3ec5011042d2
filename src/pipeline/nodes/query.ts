// query(): a batch task's scheduled InfluxQL query. On every fire (every/align/cron) it runs the query
// over [fire − offset − period, fire − offset) against the store of its `.cluster()` and passes one
// batch per result series down the task.

import { compareInstants, type Instant } from '../../core/time.ts';
import { type BatchDimension, BatchQuery, batchWindow, type QueryBatch } from '../../query/influxql/batch-query.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { isStar, isTimeDimension } from '../../tick/pipeline.ts';
import { type BatchSchedule, cronBatchSchedule, everySchedule } from '../batch-schedule.ts';
import { invalidNode, unknownInfluxCluster } from '../errors.ts';
import { dimensions } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { flatten, propDuration, propFlag, propString } from '../props.ts';
import type { BatchNode } from './batch.ts';

/**
 * The store a query node's `.cluster(name)` reads: a named `[[influxdb]]` entry's InfluxDB; for no
 * name, the default cluster. Undefined when no such cluster (or, for no name, no store) exists.
 */
export type QueryStoreResolver = (cluster: string) => SeriesStore | undefined;

export class QueryNode extends RunNode {
  readonly #query: BatchQuery;
  readonly #period: number;
  readonly #offset: number;
  readonly #byName: boolean;
  readonly #schedule: BatchSchedule;
  readonly #store: SeriesStore;
  /** The batch root this node hangs from (always one); set when the task links it. */
  #root: BatchNode | undefined;
  /** The next fire time; undefined once the schedule has no more fires. */
  #next: Instant | undefined;
  /** Set while a query runs: a fire that comes meanwhile is skipped, as Go's ticker drops ticks. */
  #running = false;
  #stopped = false;
  #batchesQueried = 0;
  #pointsQueried = 0;

  constructor(spec: PipelineNode, rt: TaskRuntime, stores: QueryStoreResolver, start: Instant) {
    super(spec, rt);
    const cluster = propString(spec, 'cluster');
    const store = stores(cluster);
    // Kapacitor finds out at the first query; failing here reports it when the task is enabled.
    if (store === undefined && cluster !== '') throw unknownInfluxCluster(cluster);
    if (store === undefined) throw invalidNode(spec.name, 'InfluxDB not configured, cannot query InfluxDB for batch query');
    this.#store = store;
    const every = propDuration(spec, 'every');
    const cron = propString(spec, 'cron');
    if (every !== 0 && cron !== '') throw invalidNode(spec.name, "must not set both 'every' and 'cron' properties");
    if (every === 0 && cron === '') throw invalidNode(spec.name, "must set either 'every' or 'cron' property");
    if (every < 0) throw invalidNode(spec.name, `every must be positive, got ${every}`);
    this.#period = propDuration(spec, 'period');
    if (this.#period < 0) throw invalidNode(spec.name, `period must not be negative, got ${this.#period}`);
    this.#offset = propDuration(spec, 'offset');
    this.#byName = propFlag(spec, 'groupByMeasurement');
    const groupBy: BatchDimension[] = [];
    for (const v of spec.props['groupBy'] === undefined ? [] : flatten(spec.props['groupBy'])) {
      if (typeof v === 'string') groupBy.push(v);
      else if (isStar(v)) groupBy.push({ type: 'star' });
      else if (isTimeDimension(v)) groupBy.push({ type: 'time', every: v.every, offset: v.offset });
      else throw invalidNode(spec.name, 'groupBy takes tag names, * or time(d[, offset])');
    }
    const fill = spec.props['fill'];
    if (fill !== undefined && typeof fill !== 'string' && typeof fill !== 'number' && typeof fill !== 'bigint') {
      throw invalidNode(spec.name, 'fill must be null, none, previous, linear or a number');
    }
    this.#query = new BatchQuery({
      query: propString(spec, 'queryStr'),
      groupBy,
      groupByMeasurement: this.#byName,
      alignGroup: propFlag(spec, 'alignGroup'),
      fill,
    });
    this.#schedule = cron !== '' ? cronBatchSchedule(cron) : everySchedule(start, every, propFlag(spec, 'align'));
    this.#next = this.#schedule.next(start);
  }

  /** Called when the task links the batch root to this node. */
  attach(root: BatchNode): void {
    this.#root = root;
  }

  override extraStats(): Record<string, number> {
    return { batches_queried: this.#batchesQueried, points_queried: this.#pointsQueried };
  }

  /** Called by the task ticker with the wall clock: runs the query when a fire time has come. */
  fire(now: Instant): void {
    if (this.#stopped || this.#next === undefined || compareInstants(now, this.#next) < 0) return;
    // After a stall only the latest fire runs (Go's ticker keeps one pending tick).
    const tick = this.#schedule.latest(now) ?? this.#next;
    this.#next = this.#schedule.next(tick);
    if (this.#running) return;
    this.#running = true;
    const { start, stop } = batchWindow(tick, this.#period, this.#offset);
    this.#query
      .run(this.#store, start, stop)
      .then((batches) => this.#deliver(batches))
      .catch((err) => this.fail(err, { query: this.spec.props['queryStr'] }))
      .finally(() => {
        this.#running = false;
      });
  }

  #deliver(batches: QueryBatch[]): void {
    if (this.#stopped) return;
    for (const q of batches) {
      // A series whose rows were all null still is a batch, an empty one (Kapacitor's ResultToBufferedBatches).
      this.#batchesQueried++;
      this.#pointsQueried += q.points.length;
      const group = this.rt.groups.of(q.name, q.tags, dimensions(Object.keys(q.tags), this.#byName));
      const batch: Batch = { name: q.name, group, tmaxMs: q.tmaxMs, tmaxNs: q.tmaxNs, points: q.points };
      this.#root?.deliver(this, batch);
    }
  }

  protected override onBatch(b: Batch): void {
    this.emitBatch(b);
  }

  override stop(): void {
    this.#stopped = true;
  }
}

/** queryFlux() needs a Flux engine (InfluxDB 2.x); this server runs InfluxQL only. */
export function rejectQueryFlux(spec: PipelineNode): never {
  throw invalidNode(
    spec.name,
    "queryFlux is not supported: batch tasks run InfluxQL only; use query('SELECT ...') instead of queryFlux('...')",
  );
}
