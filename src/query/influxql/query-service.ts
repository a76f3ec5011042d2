// The InfluxQL query service the /query endpoint and batch tasks call: the executor over the series
// store, or a hand-off of the whole text to a real InfluxDB for databases that live there.

import type { Clock } from '../../core/time.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { executeInfluxQL } from './executor.ts';
import type { Statement } from './ast.ts';
import { type BoundParams, parseQuery } from './parser.ts';
import type { StatementResult } from './result.ts';

export interface InfluxQueryRequest {
  database?: string;
  retentionPolicy?: string;
  params?: BoundParams;
  /** A GET request (see QueryOptions.readOnlyContext). */
  readOnlyContext?: boolean;
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
    if (remote !== undefined && request.database !== undefined) {
      // Whole texts that only address the remote's database go there (InfluxDB then also answers
      // what this subset does not parse); anything else runs here over the routing store.
      let statements: Statement[] | undefined;
      try {
        statements = parseQuery(text, request.params);
      } catch {
        statements = undefined;
      }
      const db = request.database;
      if (statements === undefined || statements.every((s) => scopedTo(s, db))) return remote.query(text, request);
    }
    return executeInfluxQL(o.store, text, {
      database: request.database,
      retentionPolicy: request.retentionPolicy,
      params: request.params,
      readOnlyContext: request.readOnlyContext,
      now: o.clock.now(),
      maxBuckets: o.maxBuckets,
    });
  }
}

/** Whether a statement touches only `database` (so a remote that holds it can answer alone). */
function scopedTo(s: Statement, database: string): boolean {
  switch (s.kind) {
    case 'select':
      return s.sources.every((src) => src.database === undefined || src.database === database);
    case 'show_databases':
      return false;
    case 'show_measurements':
    case 'show_tag_keys':
    case 'show_tag_values':
    case 'show_field_keys':
    case 'show_series':
    case 'show_retention_policies':
      return (s.database === undefined || s.database === database) && s.sources.every((src) => src.database === undefined || src.database === database);
    case 'create_database':
    case 'drop_database':
      return s.name === database;
    default:
      return s.database === database;
  }
}
