// Jdbc source: `query` or `table_path`, optionally split into ranges of `partition_column`.

import type { JsonValue } from '../../config/hocon.ts';
import { intOption, stringOption } from '../../config/job-config.ts';
import { coerce } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { type Dialect, dialectFor, type JdbcConnection, type RowCursor } from './dialect.ts';

const BATCH = 1024;

interface JdbcOffset {
  sql: string;
  params: JsonValue[];
  /** Rows already emitted from this split's result. */
  emitted: number;
}

class JdbcSource implements Source {
  /**
   * Not resumable mid-split: a plain query has no guaranteed row order, so a restored split is read
   * again from its start (at-least-once). Finished splits are not read again.
   */
  readonly resumable = false;
  readonly #dialect: Dialect;
  readonly #sql: string;
  readonly #where: string;
  readonly #partitionColumn: string | undefined;
  readonly #partitionNum: number | undefined;
  readonly #lower: number | undefined;
  readonly #upper: number | undefined;
  readonly #table: string;
  #schema: TableSchema | undefined;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    const url = stringOption(o, 'url');
    if (!url) throw optionInvalid(this.#where, "option 'url' is required");
    this.#dialect = dialectFor(url, stringOption(o, 'user') ?? stringOption(o, 'username'), stringOption(o, 'password'), this.#where);
    const query = stringOption(o, 'query');
    const tablePath = stringOption(o, 'table_path');
    if (!query && !tablePath) throw optionInvalid(this.#where, "one of 'query' and 'table_path' is required");
    // table_path is db.table or db.schema.table; the database is the connection's.
    const parts = tablePath?.split('.') ?? [];
    const tableName = this.#dialect.name === 'postgresql' && parts.length === 3 ? parts.slice(1).join('.') : tablePath;
    this.#sql = query ?? `SELECT * FROM ${this.#dialect.quoteTable(tableName!)}`;
    this.#table = ctx.outputTable ?? tablePath ?? 'jdbc';
    this.#partitionColumn = stringOption(o, 'partition_column');
    const num = stringOption(o, 'partition_num');
    this.#partitionNum = num === undefined ? undefined : intOption(o, 'partition_num', 1, this.#where);
    const lo = stringOption(o, 'partition_lower_bound');
    const hi = stringOption(o, 'partition_upper_bound');
    this.#lower = lo === undefined ? undefined : Number(lo);
    this.#upper = hi === undefined ? undefined : Number(hi);
  }

  async #connect(): Promise<JdbcConnection> {
    try {
      return await this.#dialect.connect();
    } catch (err) {
      throw connectorFailed(this.#where, `cannot connect: ${(err as Error).message}`);
    }
  }

  async prepare(): Promise<void> {
    const conn = await this.#connect();
    try {
      const r = await conn.query(`SELECT * FROM (${this.#sql}) t WHERE 1 = 0`);
      this.#schema = { table: this.#table, fields: r.fields };
    } catch (err) {
      throw connectorFailed(this.#where, (err as Error).message);
    } finally {
      await conn.close();
    }
  }

  schema(): TableSchema {
    if (!this.#schema) throw connectorFailed(this.#where, 'the schema is read when the job is submitted');
    return this.#schema;
  }

  async splits(parallelism: number): Promise<SourceSplit[]> {
    const col = this.#partitionColumn;
    const whole = (): SourceSplit[] => [{ id: 'jdbc-0', offset: { sql: this.#sql, params: [], emitted: 0 } satisfies JdbcOffset as unknown as JsonValue }];
    if (!col) return whole();
    const q = this.#dialect.quote(col);
    let lo = this.#lower;
    let hi = this.#upper;
    if (lo === undefined || hi === undefined) {
      const conn = await this.#connect();
      try {
        const r = await conn.query(`SELECT MIN(${q}), MAX(${q}) FROM (${this.#sql}) t`);
        lo ??= Number(r.rows[0]?.[0]);
        hi ??= Number(r.rows[0]?.[1]);
      } finally {
        await conn.close();
      }
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return whole();
    const n = Math.max(1, this.#partitionNum ?? parallelism);
    const step = Math.max(1, Math.ceil((hi! - lo! + 1) / n));
    const out: SourceSplit[] = [];
    const p = (i: number) => this.#dialect.param(i);
    for (let k = 0, start = lo!; start <= hi!; k++, start += step) {
      const end = start + step;
      const last = end > hi!;
      // The last range also takes NULLs of the partition column, so no row is missed.
      const sql = last
        ? `SELECT * FROM (${this.#sql}) t WHERE (${q} >= ${p(0)} AND ${q} <= ${p(1)}) OR ${q} IS NULL`
        : `SELECT * FROM (${this.#sql}) t WHERE ${q} >= ${p(0)} AND ${q} < ${p(1)}`;
      out.push({ id: `jdbc-${k}`, offset: { sql, params: [start, last ? hi! : end], emitted: 0 } satisfies JdbcOffset as unknown as JsonValue });
    }
    return out;
  }

  async reader(): Promise<SourceReader> {
    const schema = this.schema();
    let conn: JdbcConnection | undefined;
    // Per split: a server-side cursor where the database has one, else the whole result in memory.
    const cursors = new Map<string, RowCursor>();
    const results = new Map<string, unknown[][]>();
    const convert = (raw: unknown[]): Row => ({ kind: 0, values: schema.fields.map((f, c) => coerce(raw[c], f.type, this.#where)) });
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as unknown as JdbcOffset;
        if (off.emitted === -1) return 'end';
        conn ??= await this.#connect();
        let batch: unknown[][];
        let more: boolean;
        const cursor = cursors.get(split.id);
        const rows = results.get(split.id);
        if (cursor || (!rows && conn.cursor)) {
          let c = cursor;
          if (!c) {
            // A restored split that was not finished is read again from its start (see `resumable`).
            off.emitted = 0;
            c = await conn.cursor!(off.sql, off.params);
            cursors.set(split.id, c);
          }
          batch = await c.next(BATCH);
          more = batch.length === BATCH;
          if (!more) {
            cursors.delete(split.id);
            await c.close();
          }
        } else {
          let all = rows;
          if (!all) {
            off.emitted = 0;
            all = (await conn.query(off.sql, off.params)).rows;
            results.set(split.id, all);
          }
          batch = all.slice(off.emitted, off.emitted + BATCH);
          more = off.emitted + batch.length < all.length;
          if (!more) results.delete(split.id);
        }
        if (batch.length > 0) await emit(batch.map(convert));
        off.emitted = more ? off.emitted + batch.length : -1;
        return more ? 'more' : 'end';
      },
      close: async () => {
        for (const c of cursors.values()) await c.close().catch(() => {});
        cursors.clear();
        results.clear();
        await conn?.close();
      },
    };
  }

  async close(): Promise<void> {}
}

export const jdbcSourceFactory: SourceFactory = { kind: 'source', name: 'Jdbc', create: (ctx) => new JdbcSource(ctx) };
