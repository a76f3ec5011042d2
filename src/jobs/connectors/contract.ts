// The connector contract: sources that split their input and checkpoint offsets, sinks that prepare, write and commit.

/*
 * Multi-table jobs (SeaTunnel's `table-names`, `tables_configs`, Jdbc `table_list`).
 *
 * A dataset (what a source or transform registers) holds one or more tables. Each table is a
 * `TableSchema` whose `table` is its path (`db.schema.table`, `db.table` or `table`); its position
 * in the dataset's list is its *table index*. Rows carry no table name: a batch of rows always
 * belongs to one table, and the batch travels with its table index (a small integer), so a
 * single-table job pays nothing and a multi-table job pays one number per batch.
 *
 * - A multi-table source implements `tables()` (the list, fixed before the first read, e.g. in
 *   `prepare()`; `schema()` returns its first entry) and passes the table index as the second
 *   argument of `emit`. Omitting it means table 0. A split may emit batches of several tables; the
 *   usual shape is one split per table (or per table chunk) whose offset records the table index,
 *   as FakeSource `tables_configs` and LocalFile `tables_configs` do (a Jdbc `table_list` maps the
 *   same way: one TableSchema per listed table, its path `db.schema.table`).
 * - Transforms are per table: the engine creates one instance per input table and routes each
 *   batch to the instance of its table, so a transform never sees two tables.
 * - Sinks are per table by default (SeaTunnel wraps every sink in a MultiTableSink): the engine
 *   creates one instance per input table, with the reserved placeholders in its options
 *   (`${table_name}`, `${database_name}`, `${schema_name}`, `${schema_full_name}`,
 *   `${table_full_name}`, `${primary_key}`, `${unique_key}`, `${field_names}`) filled from that
 *   table, opens it with that table's schema and hands it only that table's rows. Each instance
 *   prepares and commits on its own; a sink written for one table needs no change (a Jdbc sink
 *   with `table = "${table_name}"` writes each table into its namesake). With a single input
 *   table the sink is created once, as before.
 * - A sink factory with `multiTable: true` gets one instance for all tables instead (Assert, which
 *   checks the set of table names): its options keep the placeholders unfilled, `open` is called
 *   once per input table in table-index order, and `write` gets the table index as its second
 *   argument.
 * - Metrics are kept per table path (TableSourceReceivedCount, TableSinkWriteCount, ...).
 */

import type { JsonObject, JsonValue } from '../config/hocon.ts';
import type { JobMode } from '../config/job-config.ts';
import type { Row, TableSchema } from '../row.ts';

/** What the engine gives a connector when it builds it. */
export interface ConnectorContext {
  jobId: string;
  mode: JobMode;
  /** The `plugin_name` as written (for messages). */
  pluginName: string;
  /** Options after shade decryption. */
  options: JsonObject;
  /** The table name the plugin registers (`plugin_output`), if any. */
  outputTable?: string;
  /** Services a connector may need (series store, clock, log); keyed so the contract stays small. */
  services: ConnectorServices;
  /** Per-job log. Secrets never go here. */
  log: (line: string) => void;
}

export interface ConnectorServices {
  [name: string]: unknown;
}

/** One unit of source work. `offset` is whatever the source needs to resume; it must be JSON. */
export interface SourceSplit {
  id: string;
  offset: JsonValue;
}

/** Returned by a read step: rows were produced, nothing is available now, or the split is exhausted. */
export type ReadStatus = 'more' | 'idle' | 'end';

/** Hands a batch of rows of one table to the engine; `table` is the table index (0 when omitted). */
export type Emit = (rows: Row[], table?: number) => void | Promise<void>;

export interface SourceReader {
  /**
   * Reads the next rows of `split` (a bounded amount, so checkpoints can interleave), hands them to
   * `emit`, and advances `split.offset` past them before returning.
   */
  read(split: SourceSplit, emit: Emit): Promise<ReadStatus>;
  close(): Promise<void>;
}

export interface Source {
  /**
   * Called once when the job is submitted, before `schema()`: a source whose schema lives in an
   * external system (a database table) connects and discovers it here, so errors reach the caller.
   */
  prepare?(): Promise<void>;
  /** The produced dataset's schema (known before any row is read); a multi-table source's first table. */
  schema(): TableSchema;
  /** A multi-table source's tables in table-index order (see the header); absent means `[schema()]`. */
  tables?(): TableSchema[];
  /**
   * True when the source can resume exactly from the split offsets it checkpointed. The engine
   * only promises "no row lost or duplicated" across savepoints for such sources.
   */
  readonly resumable: boolean;
  /** The initial splits (called once per fresh run; a restored run gets its checkpointed splits instead). */
  splits(parallelism: number): Promise<SourceSplit[]>;
  /** A reader; the engine creates `parallelism` of them and hands each splits from a shared queue. */
  reader(subtask: number): Promise<SourceReader>;
  close(): Promise<void>;
}

export interface Sink {
  /**
   * Called once the input schema is known, before any write (create tables, open connections). A
   * `multiTable` factory's sink is opened once per input table, in table-index order.
   */
  open(input: TableSchema): Promise<void>;
  /**
   * Rows arrive in batches of one table; a returned promise is awaited before more rows are read.
   * `table` is the table index; only `multiTable` sinks need to look at it.
   */
  write(rows: Row[], table?: number): void | Promise<void>;
  /**
   * Flushes what was written since the last checkpoint and returns what `commit` needs to make it
   * visible (file names, a transaction id), or undefined when writes are already visible.
   */
  prepareCommit(checkpointId: number): Promise<JsonValue | undefined>;
  /** Makes prepared data visible. Must be idempotent: a restore may commit the same info again. */
  commit(info: JsonValue): Promise<void>;
  /** Drops prepared-but-uncommitted data (a failed or cancelled run). */
  abort(): Promise<void>;
  /**
   * Releases resources. `completed` is true when the input ended normally (a finished batch job):
   * then final checks run (Assert's row counts) and throwing fails the job.
   */
  close(completed: boolean): Promise<void>;
}

export interface Transform {
  /** The output schema for an input schema (computed once). */
  open(input: TableSchema): TableSchema;
  /** Maps a batch; may drop, change or multiply rows. Synchronous: transforms are CPU work. */
  map(rows: Row[]): Row[];
}

export interface SourceFactory {
  kind: 'source';
  name: string;
  create(ctx: ConnectorContext): Source;
}
export interface SinkFactory {
  kind: 'sink';
  name: string;
  /** One instance takes every input table (see the header); otherwise one instance per table. */
  multiTable?: boolean;
  create(ctx: ConnectorContext): Sink;
}
export interface TransformFactory {
  kind: 'transform';
  name: string;
  create(ctx: ConnectorContext): Transform;
}
export type PluginFactory = SourceFactory | SinkFactory | TransformFactory;
