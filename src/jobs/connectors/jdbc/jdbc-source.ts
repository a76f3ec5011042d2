// Jdbc source: `query`, `table_path` or `table_list` (with `where_condition`), each table split into ranges of `partition_column` or of its integer primary key.

import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { intOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { coerce } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, SeaType, TableSchema } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { type Dialect, dialectFor, type JdbcConnection, type RowCursor } from './dialect.ts';

const BATCH = 1024;

/** One table the source reads: an entry of `table_list`, or the single `query` / `table_path`. */
interface TableSpec {
  /** The table path its rows are reported under (metrics, sink placeholders). */
  path: string;
  /** The SELECT producing its rows. */
  sql: string;
  /** The table as SQL names it when read by `table_path` without a `query`: its primary key orders the reads. */
  table?: string;
  partitionColumn?: string;
  partitionNum?: number;
  lower?: number;
  upper?: number;
  /** Rows per split when a table_path table splits on its integer primary key (`split.size`). */
  splitSize: number;
}

interface JdbcOffset {
  /** The table index (absent in checkpoints older than `table_list`: table 0). */
  table?: number;
  /** The split's query (its range of the partition column) and that query's parameters. */
  sql: string;
  params: JsonValue[];
  /** An ordered unique key of the table: the split is read in key order and resumes after `after`. */
  key?: string[];
  /** The key values of the last row emitted (as the driver returned them). */
  after?: JsonValue[];
  /** Rows already emitted from this split; -1 once it is exhausted. */
  emitted: number;
}

/** Key column types whose values survive the checkpoint's JSON and compare in SQL exactly as they sort. */
const KEY_TYPES = new Set<SeaType['kind']>(['tinyint', 'smallint', 'int', 'bigint', 'decimal', 'string', 'date', 'time', 'timestamp']);
const INTEGER_TYPES = new Set<SeaType['kind']>(['tinyint', 'smallint', 'int', 'bigint']);

/**
 * Resume semantics. A table with an ordered unique key (the primary key of a `table_path` table, or a
 * `partition_column` whose values are unique and never NULL) is read in key order, and each split's
 * checkpoint holds the key of the last row it emitted: a restored split continues with `key > last`,
 * so no row is lost or repeated (as long as the table itself does not change meanwhile). Without such
 * a key a restored split is read again from its start (at-least-once); finished splits never are.
 */
class JdbcSource implements Source {
  readonly #dialect: Dialect;
  readonly #where: string;
  readonly #specs: TableSpec[];
  #tables: TableSchema[] | undefined;
  /** Per table: the ordered unique key, when there is one. */
  #keys: (string[] | undefined)[] = [];

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    const url = requiredStringOption(o, 'url', this.#where);
    this.#dialect = dialectFor(url, stringOption(o, 'user') ?? stringOption(o, 'username'), stringOption(o, 'password'), this.#where);
    const filter = stringOption(o, 'where_condition');
    if (filter !== undefined && !/^\s*where\s/i.test(filter)) throw optionInvalid(this.#where, "where_condition must begin with 'where'");
    const list = option(o, 'table_list');
    if (list === undefined) {
      const spec = this.#spec(o, o, filter);
      // A single table keeps the name it registers under, as before multi-table reading existed.
      spec.path = ctx.outputTable ?? stringOption(o, 'table_path') ?? 'jdbc';
      this.#specs = [spec];
    } else {
      if (!Array.isArray(list) || list.length === 0 || !list.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e))) {
        throw optionInvalid(this.#where, 'table_list must be a non-empty list of objects');
      }
      this.#specs = (list as JsonObject[]).map((entry) => {
        if (!stringOption(entry, 'table_path')) throw optionInvalid(this.#where, 'every table_list entry needs a table_path');
        return this.#spec(entry, o, filter);
      });
    }
  }

  /** A table's spec from its options (`entry`); `partition_num` falls back to the source's own. */
  #spec(entry: JsonObject, top: JsonObject, filter: string | undefined): TableSpec {
    const query = stringOption(entry, 'query');
    const tablePath = stringOption(entry, 'table_path');
    if (!query && !tablePath) throw optionInvalid(this.#where, "one of 'query', 'table_path' and 'table_list' is required");
    // table_path is db.table or db.schema.table; PostgreSQL's database is the connection's.
    const parts = tablePath?.split('.') ?? [];
    const table = tablePath && this.#dialect.name === 'postgresql' && parts.length === 3 ? parts.slice(1).join('.') : tablePath;
    const num = stringOption(entry, 'partition_num') !== undefined ? entry : top;
    const lo = stringOption(entry, 'partition_lower_bound');
    const hi = stringOption(entry, 'partition_upper_bound');
    return {
      path: tablePath ?? 'jdbc',
      sql: query ?? `SELECT * FROM ${this.#dialect.quoteTable(table!)}${filter ? ` ${filter.trim()}` : ''}`,
      table: query ? undefined : table,
      partitionColumn: stringOption(entry, 'partition_column'),
      partitionNum: stringOption(num, 'partition_num') === undefined ? undefined : intOption(num, 'partition_num', 1, this.#where),
      lower: lo === undefined ? undefined : Number(lo),
      upper: hi === undefined ? undefined : Number(hi),
      splitSize: Math.max(1, intOption(stringOption(entry, 'split.size') !== undefined ? entry : top, 'split.size', 8096, this.#where)),
    };
  }

  async #connect(): Promise<JdbcConnection> {
    try {
      return await this.#dialect.connect();
    } catch (err) {
      throw connectorFailed(this.#where, `cannot connect: ${(err as Error).message}`);
    }
  }

  get resumable(): boolean {
    return this.#keys.length > 0 && this.#keys.every((k) => k !== undefined);
  }

  async prepare(): Promise<void> {
    const conn = await this.#connect();
    this.#keys = [];
    try {
      const tables: TableSchema[] = [];
      for (const spec of this.#specs) {
        const r = await conn.query(`SELECT * FROM (${spec.sql}) t WHERE 1 = 0`);
        const schema: TableSchema = { table: spec.path, fields: r.fields };
        const primaryKey = spec.table ? await conn.primaryKey(spec.table) : [];
        if (primaryKey.length > 0) schema.primaryKey = primaryKey;
        tables.push(schema);
        this.#keys.push(await this.#orderKey(conn, spec, schema));
      }
      this.#tables = tables;
    } catch (err) {
      throw connectorFailed(this.#where, (err as Error).message);
    } finally {
      await conn.close();
    }
  }

  /** The table's ordered unique key (see the class comment), or undefined. */
  async #orderKey(conn: JdbcConnection, spec: TableSpec, schema: TableSchema): Promise<string[] | undefined> {
    const keyable = (names: string[]) => names.every((n) => KEY_TYPES.has(schema.fields.find((f) => f.name === n)?.type.kind ?? 'null'));
    if (schema.primaryKey && keyable(schema.primaryKey)) return schema.primaryKey;
    const col = spec.partitionColumn;
    if (!col || !keyable([col])) return undefined;
    // COUNT(DISTINCT) skips NULLs, so equal counts also mean the column has none.
    const q = this.#dialect.quote(col);
    const r = await conn.query(`SELECT COUNT(*), COUNT(DISTINCT ${q}) FROM (${spec.sql}) t`);
    return String(r.rows[0]?.[0]) === String(r.rows[0]?.[1]) ? [col] : undefined;
  }

  tables(): TableSchema[] {
    if (!this.#tables) throw connectorFailed(this.#where, 'the schema is read when the job is submitted');
    return this.#tables;
  }

  schema(): TableSchema {
    return this.tables()[0];
  }

  async splits(parallelism: number): Promise<SourceSplit[]> {
    const out: SourceSplit[] = [];
    for (let t = 0; t < this.#specs.length; t++) out.push(...(await this.#tableSplits(t, parallelism)));
    return out;
  }

  async #tableSplits(t: number, parallelism: number): Promise<SourceSplit[]> {
    const spec = this.#specs[t];
    const key = this.#keys[t];
    const split = (k: number, sql: string, params: JsonValue[]): SourceSplit => {
      const offset: JdbcOffset = { table: t, sql, params, emitted: 0 };
      if (key) offset.key = key;
      return { id: `jdbc-${t}-${k}`, offset: offset as unknown as JsonValue };
    };
    // Without a partition column, a table_path table splits on its single integer primary key into
    // chunks of about `split.size` rows (SeaTunnel's chunking for an evenly spread key).
    const field = key?.length === 1 && spec.table ? this.tables()[t].fields.find((f) => f.name === key[0]) : undefined;
    const byKey = !spec.partitionColumn && field !== undefined && INTEGER_TYPES.has(field.type.kind);
    const col = spec.partitionColumn ?? (byKey ? key![0] : undefined);
    if (!col) return [split(0, spec.sql, [])];
    const q = this.#dialect.quote(col);
    let lo = spec.lower;
    let hi = spec.upper;
    let rows = 0;
    if (lo === undefined || hi === undefined || byKey) {
      const conn = await this.#connect();
      try {
        const r = await conn.query(`SELECT MIN(${q}), MAX(${q}), COUNT(*) FROM (${spec.sql}) t`);
        lo ??= Number(r.rows[0]?.[0]);
        hi ??= Number(r.rows[0]?.[1]);
        rows = Number(r.rows[0]?.[2]);
      } finally {
        await conn.close();
      }
    }
    // Bounds beyond 2^53 would round, and a rounded upper bound could leave rows out.
    if (!Number.isSafeInteger(Math.floor(lo!)) || !Number.isSafeInteger(Math.ceil(hi!))) return [split(0, spec.sql, [])];
    const n = Math.max(1, byKey ? Math.ceil(rows / spec.splitSize) : (spec.partitionNum ?? parallelism));
    const step = Math.max(1, Math.ceil((hi! - lo! + 1) / n));
    const out: SourceSplit[] = [];
    const p = (i: number) => this.#dialect.param(i);
    for (let k = 0, start = lo!; start <= hi!; k++, start += step) {
      const end = start + step;
      const last = end > hi!;
      // The last range also takes NULLs of the partition column, so no row is missed.
      const sql = last
        ? `SELECT * FROM (${spec.sql}) t WHERE (${q} >= ${p(0)} AND ${q} <= ${p(1)}) OR ${q} IS NULL`
        : `SELECT * FROM (${spec.sql}) t WHERE ${q} >= ${p(0)} AND ${q} < ${p(1)}`;
      out.push(split(k, sql, [start, last ? hi! : end]));
    }
    return out;
  }

  /** The query that reads what is left of a split: in key order after the last emitted key, or all of it. */
  #remaining(off: JdbcOffset): { sql: string; params: JsonValue[] } {
    if (!off.key) return { sql: off.sql, params: off.params };
    const d = this.#dialect;
    const cols = off.key.map((k) => d.quote(k)).join(', ');
    if (!off.after) return { sql: `SELECT * FROM (${off.sql}) k ORDER BY ${cols}`, params: off.params };
    const n = off.params.length;
    const after = off.after.map((_, i) => d.param(n + i)).join(', ');
    return { sql: `SELECT * FROM (${off.sql}) k WHERE (${cols}) > (${after}) ORDER BY ${cols}`, params: [...off.params, ...off.after] };
  }

  async reader(): Promise<SourceReader> {
    const tables = this.tables();
    let conn: JdbcConnection | undefined;
    const cursors = new Map<string, RowCursor>();
    const converters = tables.map((schema) => (raw: unknown[]): Row => ({ kind: 0, values: schema.fields.map((f, c) => coerce(raw[c], f.type, this.#where)) }));
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as unknown as JdbcOffset;
        if (off.emitted === -1) return 'end';
        const t = off.table ?? 0;
        const fields = tables[t].fields;
        const keyAt = off.key?.map((k) => fields.findIndex((f) => f.name === k));
        conn ??= await this.#connect();
        let cursor = cursors.get(split.id);
        if (!cursor) {
          // A restored split without a key (or whose key column is gone) starts over: at-least-once.
          if (!keyAt || keyAt.includes(-1)) {
            off.key = undefined;
            off.after = undefined;
            off.emitted = 0;
          }
          const { sql, params } = this.#remaining(off);
          cursor = await conn.cursor(sql, params);
          cursors.set(split.id, cursor);
        }
        const batch = await cursor.next(BATCH);
        const more = batch.length === BATCH;
        if (!more) {
          cursors.delete(split.id);
          await cursor.close();
        }
        if (batch.length > 0) {
          await emit(batch.map(converters[t]), t);
          if (off.key) {
            const last = batch[batch.length - 1];
            off.after = keyAt!.map((i) => jsonKey(last[i]));
          }
        }
        off.emitted = more ? off.emitted + batch.length : -1;
        return more ? 'more' : 'end';
      },
      close: async () => {
        for (const c of cursors.values()) await c.close().catch(() => {});
        cursors.clear();
        await conn?.close();
      },
    };
  }

  async close(): Promise<void> {}
}

/** A key value as the checkpoint keeps it: drivers return key columns as numbers, strings or booleans. */
function jsonKey(v: unknown): JsonValue {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

export const jdbcSourceFactory: SourceFactory = { kind: 'source', name: 'Jdbc', create: (ctx) => new JdbcSource(ctx) };
