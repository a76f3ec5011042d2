// The series store contract: databases and retention policies, writes, the series index and scans.

import type { FieldType, FieldValue, Fields, Point, Tags } from '../core/point.ts';
import type { Duration, Instant } from '../core/time.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';

/**
 * Where points live once they are stored. Every consumer (InfluxQL /query, batch tasks,
 * influxDBOut, Pandora SPL exports, SeaTunnel series-store source/sink, OpenTSDB annotations)
 * talks to this interface only; `src/server.ts` picks the implementation (the embedded columnar
 * store by default, a real InfluxDB 1.x over HTTP per database when configured).
 *
 * Rules every implementation keeps (checked by `series-store.cases.ts`):
 * - Names are case-sensitive. `retentionPolicy: ''` (or absent) means the database's default RP.
 * - Writing to a database that does not exist fails with `E_STORE_DATABASE_NOT_FOUND`; nothing is
 *   created implicitly (influxDBOut's `.create()` calls `createDatabase` first).
 * - A point with the same series and time as a stored one replaces the stored fields it names
 *   (field-wise merge, as InfluxDB does).
 * - A field keeps the type of its first write within a measurement; a write of another type is
 *   rejected as a whole with `E_STORE_FIELD_TYPE_CONFLICT` and nothing of it is stored.
 * - When `write` resolves the points are visible to scans and as durable as the configured fsync
 *   policy promises (with `fsync: 'always'` they survive a crash of the process or machine).
 * - Series ids are positive integers, unique within a store, never reused, and stable across
 *   restarts: the same (database, retention policy, measurement, tag set) keeps its id until the
 *   series is dropped.
 * - The contract only grows: new members are optional or added with defaults.
 */
export interface SeriesStore {
  // ---- databases and retention policies -------------------------------------------------

  /** Every database with its retention policies, sorted by name. */
  listDatabases(): Promise<DatabaseInfo[]>;
  /** One database, or undefined. */
  getDatabase(name: string): Promise<DatabaseInfo | undefined>;
  /**
   * Creates a database (idempotent, like InfluxDB's CREATE DATABASE: creating an existing database
   * with compatible options succeeds). Without `retentionPolicy` it gets `autogen` (infinite, default).
   */
  createDatabase(name: string, options?: CreateDatabaseOptions): Promise<DatabaseInfo>;
  /** Drops a database and all its data. Dropping a missing database succeeds (InfluxDB does the same). */
  dropDatabase(name: string): Promise<void>;
  /** Changes per-database options that are not part of InfluxDB's model (`storeRawWrites`). */
  updateDatabase(name: string, options: DatabaseOptions): Promise<DatabaseInfo>;
  createRetentionPolicy(database: string, spec: RetentionPolicySpec): Promise<RetentionPolicyInfo>;
  alterRetentionPolicy(database: string, name: string, change: RetentionPolicyChange): Promise<RetentionPolicyInfo>;
  /** Drops the policy and its data. A missing policy succeeds; a missing database fails. */
  dropRetentionPolicy(database: string, name: string): Promise<void>;

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Stores points. A `PointBatch` (one /write request, lazily decoded) carries its database and
   * retention policy; plain `Point`s carry their own (they may mix databases). Nothing is stored
   * if any point is rejected.
   */
  write(points: PointBatch | readonly Point[]): Promise<WriteResult>;

  // ---- series index --------------------------------------------------------------------------

  /** Series matching the filter, sorted by series key. */
  listSeries(filter: SeriesFilter): Promise<SeriesInfo[]>;
  /** A series by its id, or undefined (unknown or dropped). */
  getSeries(id: number): Promise<SeriesInfo | undefined>;
  /** Measurement names in a database (optionally one RP) that match the filter, sorted. */
  listMeasurements(filter: SeriesFilter): Promise<string[]>;
  /** Tag keys per measurement, sorted, over the series that match the filter. */
  listTagKeys(filter: SeriesFilter): Promise<MeasurementValues[]>;
  /** Values of the tag `key` per measurement, sorted, over the series that match the filter. */
  listTagValues(filter: SeriesFilter, key: string | RegExp): Promise<TagValueList[]>;
  /** Field keys and their types per measurement, sorted by key. */
  listFieldKeys(filter: SeriesFilter): Promise<FieldKeyList[]>;

  // ---- scans ---------------------------------------------------------------------------------

  /**
   * Stored points in `[start, end)`, as columnar chunks. Series come in series-key order; the
   * chunks of one series come consecutively and in ascending time order, without duplicate times.
   * Chunks are snapshots: later writes do not change a chunk already yielded.
   */
  scan(request: ScanRequest): AsyncIterable<SeriesChunk>;

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Makes everything written so far durable (regardless of the fsync policy). */
  flush(): Promise<void>;
  /** Flushes and releases files, timers and connections. The store is unusable afterwards. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Whether raw points arriving through `/write` for this database are stored (as InfluxDB would)
   * or only routed to tasks (as Kapacitor does). Writes through `write()` are always stored.
   */
  storeRawWrites?: boolean;
}

export interface CreateDatabaseOptions extends DatabaseOptions {
  /** The first retention policy, which becomes the default. */
  retentionPolicy?: RetentionPolicySpec;
}

export interface DatabaseInfo {
  name: string;
  storeRawWrites: boolean;
  /** Name of the default retention policy ('' when the database has none). */
  defaultRetentionPolicy: string;
  retentionPolicies: RetentionPolicyInfo[];
}

export interface RetentionPolicySpec {
  name: string;
  /** How long points are kept, in ns; 0 = forever. */
  duration: Duration;
  /** Shard group duration in ns; 0 = derived from `duration` as InfluxDB does. */
  shardGroupDuration?: Duration;
  replication?: number;
  /** Make this the database's default policy. */
  default?: boolean;
}

export interface RetentionPolicyChange {
  duration?: Duration;
  shardGroupDuration?: Duration;
  replication?: number;
  default?: boolean;
}

export interface RetentionPolicyInfo {
  name: string;
  duration: Duration;
  shardGroupDuration: Duration;
  replication: number;
  default: boolean;
}

export interface WriteResult {
  /** Points stored. */
  written: number;
}

/** One series: a measurement and a tag set within a database and retention policy. */
export interface SeriesInfo {
  /** Stable positive id (see the rules on `SeriesStore`). */
  readonly id: number;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly measurement: string;
  /** Tags as stored; keys iterate in sorted order. */
  readonly tags: Readonly<Tags>;
  /** The canonical series key, as InfluxDB prints it in SHOW SERIES: `cpu,host=a,region=eu`. */
  readonly key: string;
}

/**
 * A condition on tags. A missing tag compares as the empty string (InfluxQL semantics). Patterns
 * must not carry the `g` or `y` flag (their `lastIndex` state would leak between series).
 */
export type TagExpr =
  | { readonly op: '=' | '!='; readonly key: string; readonly value: string }
  | { readonly op: '=~' | '!~'; readonly key: string; readonly value: RegExp }
  | { readonly op: 'and' | 'or'; readonly left: TagExpr; readonly right: TagExpr };

/** Which series a query addresses. */
export interface SeriesFilter {
  database: string;
  /** Undefined = every retention policy for index queries, the default one for scans. */
  retentionPolicy?: string;
  /** An exact name or a pattern; undefined = every measurement. */
  measurement?: string | RegExp;
  tags?: TagExpr;
}

export interface ScanRequest extends SeriesFilter {
  /** Inclusive lower bound; undefined = from the beginning. */
  start?: Instant;
  /** Exclusive upper bound; undefined = to the end. */
  end?: Instant;
  /** Field keys to return; undefined = all. Series without any of them yield no chunk. */
  fields?: readonly string[];
}

export interface MeasurementValues {
  measurement: string;
  values: string[];
}

/** SHOW TAG VALUES rows for one measurement: (key, value) pairs sorted by key then value. */
export interface TagValueList {
  measurement: string;
  values: { key: string; value: string }[];
}

export interface FieldKeyList {
  measurement: string;
  fields: { key: string; type: FieldType }[];
}

/**
 * One field over the rows of a chunk. `valid` marks which rows have the field (1) and which do
 * not (0); when absent every row has it. Floats are doubles, integers are int64 (read as bigint),
 * booleans are 0/1 bytes.
 */
export type FieldColumn =
  | { readonly type: 'float'; readonly values: Float64Array; readonly valid?: Uint8Array }
  | { readonly type: 'integer'; readonly values: BigInt64Array; readonly valid?: Uint8Array }
  | { readonly type: 'string'; readonly values: readonly string[]; readonly valid?: Uint8Array }
  | { readonly type: 'boolean'; readonly values: Uint8Array; readonly valid?: Uint8Array };

/** A run of rows of one series: times exact to the ns as whole ms plus ns within the ms. */
export interface SeriesChunk {
  readonly series: SeriesInfo;
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly timeNs: Int32Array;
  /** Only the fields that have at least one value in this chunk. */
  readonly fields: ReadonlyMap<string, FieldColumn>;
}

/** The value of `column` at `row`, or undefined when that row lacks the field. */
export function columnValue(column: FieldColumn, row: number): FieldValue | undefined {
  if (column.valid !== undefined && column.valid[row] === 0) return undefined;
  switch (column.type) {
    case 'float':
      return column.values[row];
    case 'integer':
      return column.values[row];
    case 'string':
      return column.values[row];
    default:
      return column.values[row] === 1;
  }
}

/**
 * Scans as points (one object per row): the convenient shape for row-at-a-time consumers such as
 * the SPL engine and connectors. Columnar consumers should use `scan` directly.
 */
export async function* scanPoints(store: SeriesStore, request: ScanRequest): AsyncIterable<Point> {
  for await (const chunk of store.scan(request)) {
    const s = chunk.series;
    const columns = [...chunk.fields];
    for (let row = 0; row < chunk.length; row++) {
      const fields: Fields = {};
      let any = false;
      for (const [key, column] of columns) {
        const v = columnValue(column, row);
        if (v !== undefined) {
          fields[key] = v;
          any = true;
        }
      }
      if (!any) continue;
      yield {
        database: s.database,
        retentionPolicy: s.retentionPolicy,
        name: s.measurement,
        tags: s.tags,
        fields,
        timeMs: chunk.timeMs[row],
        timeNs: chunk.timeNs[row],
      };
    }
  }
}

/** Evaluates a tag condition against a tag set (missing tags are ''). */
export function matchTags(expr: TagExpr | undefined, tags: Readonly<Tags>): boolean {
  if (expr === undefined) return true;
  switch (expr.op) {
    case 'and':
      return matchTags(expr.left, tags) && matchTags(expr.right, tags);
    case 'or':
      return matchTags(expr.left, tags) || matchTags(expr.right, tags);
    case '=':
      return (tags[expr.key] ?? '') === expr.value;
    case '!=':
      return (tags[expr.key] ?? '') !== expr.value;
    case '=~':
      return expr.value.test(tags[expr.key] ?? '');
    default:
      return !expr.value.test(tags[expr.key] ?? '');
  }
}

/** Whether a measurement name matches a filter's measurement (exact or pattern). */
export function matchMeasurement(filter: string | RegExp | undefined, name: string): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'string' ? filter === name : filter.test(name);
}
