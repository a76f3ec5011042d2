// The InfluxQL query service the /query endpoint and batch tasks call: the executor over the series
// store, or a hand-off of the whole text to a real InfluxDB for databases that live there.

import type { Clock } from '../../core/time.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { executeInfluxQL } from './executor.ts';
import type { BoundParams } from './parser.ts';
import type { StatementResult } from './result.ts';

export interface InfluxQueryRequest {
  database?: string;
  retentionPolicy?: string;
  params?: BoundParams;
}

/** Runs InfluxQL text elsewhere (a real InfluxDB); results in the executor's shapes. */
export interface QueryPassthrough {
  query(text: string, request: InfluxQueryRequest): Promise<StatementResult[]>;
}

export interface InfluxQueryServiceOptions {
  store: SeriesStore;
  clock: Clock;
  /** The remote that owns a database, if it is not stored here. */
  remoteFor?: (database: string) => QueryPassthrough | undefined;
  maxBuckets?: number;
}

export class InfluxQueryService {
  readonly #options: InfluxQueryServiceOptions;

  constructor(options: InfluxQueryServiceOptions) {
    this.#options = options;
  }

  /** Parse errors throw (E_INFLUXQL_PARSE); statement errors come back inside the results. */
  async query(text: string, request: InfluxQueryRequest = {}): Promise<StatementResult[]> {
    const o = this.#options;
    const remote = request.database ? o.remoteFor?.(request.database) : undefined;
    if (remote !== undefined) return remote.query(text, request);
    return executeInfluxQL(o.store, text, {
      database: request.database,
      retentionPolicy: request.retentionPolicy,
      params: request.params,
      now: o.clock.now(),
      maxBuckets: o.maxBuckets,
    });
  }
}
