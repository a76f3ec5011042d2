// Jdbc sink: generated INSERT/upsert by primary keys (or a user `query`), batched, with table save modes.

import { boolOption, intOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import { type Field, type Row, RowKind, type TableSchema, type Value } from '../../row.ts';
import type { ConnectorContext, Sink, SinkFactory } from '../contract.ts';
import { type BulkWriter, type Dialect, dialectFor, type JdbcConnection } from './dialect.ts';

type Op = 'upsert' | 'delete';

class JdbcSink implements Sink {
  readonly #dialect: Dialect;
  readonly #where: string;
  readonly #query: string | undefined;
  readonly #table: string | undefined;
  readonly #primaryKeys: string[] | undefined;
  readonly #batchSize: number;
  readonly #schemaSaveMode: string;
  readonly #dataSaveMode: string;
  readonly #customSql: string | undefined;
  readonly #upsert: boolean;
  #conn: JdbcConnection | undefined;
  #schema!: TableSchema;
  #keyIndexes: number[] = [];
  #buffer: { op: Op; values: Value[] }[] = [];
  #warnedDeletes = false;
  /** The open bulk load of this checkpoint (PostgreSQL COPY for plain inserts). */
  #bulk: BulkWriter | undefined;
  #bulkPending: Promise<BulkWriter> | undefined;
  readonly #log: (line: string) => void;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    this.#log = ctx.log;
    const url = requiredStringOption(o, 'url', this.#where);
    this.#dialect = dialectFor(url, stringOption(o, 'user') ?? stringOption(o, 'username'), stringOption(o, 'password'), this.#where);
    const generate = boolOption(o, 'generate_sink_sql', false);
    const database = stringOption(o, 'database');
    const table = stringOption(o, 'table');
    if (generate) {
      if (!table) throw optionInvalid(this.#where, "generate_sink_sql needs 'table'");
      // MySQL qualifies the table by database; PostgreSQL's database is the connection's, the table may carry a schema.
      this.#table = this.#dialect.name === 'mysql' && database && !table.includes('.') ? `${database}.${table}` : table;
    } else {
      this.#query = stringOption(o, 'query');
      if (!this.#query) throw optionInvalid(this.#where, "one of 'query' and generate_sink_sql with 'table' is required");
    }
    // `["${primary_key}"]` fills in as one comma-separated entry for a composite key.
    const pk = option(o, 'primary_keys');
    const keys = Array.isArray(pk) ? pk.flatMap((k) => String(k).split(',')).map((k) => k.trim()).filter(Boolean) : [];
    this.#primaryKeys = keys.length > 0 ? keys : undefined;
    this.#upsert = boolOption(o, 'enable_upsert', true);
    this.#batchSize = Math.max(1, intOption(o, 'batch_size', 1000, this.#where));
    this.#schemaSaveMode = (stringOption(o, 'schema_save_mode') ?? 'CREATE_SCHEMA_WHEN_NOT_EXIST').toUpperCase();
    this.#dataSaveMode = (stringOption(o, 'data_save_mode') ?? 'APPEND_DATA').toUpperCase();
    this.#customSql = stringOption(o, 'custom_sql');
  }

  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
    if (this.#primaryKeys) {
      this.#keyIndexes = this.#primaryKeys.map((k) => {
        const i = input.fields.findIndex((f) => f.name === k);
        if (i < 0) throw optionInvalid(this.#where, `primary key '${k}' is not a field of the input`);
        return i;
      });
    }
    try {
      this.#conn = await this.#dialect.connect();
    } catch (err) {
      throw connectorFailed(this.#where, `cannot connect: ${(err as Error).message}`);
    }
    if (this.#table) await this.#saveModes(this.#table);
  }

  async #saveModes(table: string): Promise<void> {
    const conn = this.#conn!;
    const d = this.#dialect;
    const exists = await this.#tableExists(table);
    if (this.#schemaSaveMode === 'RECREATE_SCHEMA' && exists) await conn.query(`DROP TABLE ${d.quoteTable(table)}`);
    if (!exists || this.#schemaSaveMode === 'RECREATE_SCHEMA') {
      if (this.#schemaSaveMode === 'ERROR_WHEN_SCHEMA_NOT_EXIST') throw connectorFailed(this.#where, `table ${table} does not exist`);
      const keys = this.#primaryKeys ?? [];
      const cols = this.#schema.fields.map((f) => `${d.quote(f.name)} ${d.columnType(f.type, keys.includes(f.name))}${keys.includes(f.name) ? ' NOT NULL' : ''}`);
      if (keys.length) cols.push(`PRIMARY KEY (${keys.map(d.quote).join(', ')})`);
      await conn.query(`CREATE TABLE IF NOT EXISTS ${d.quoteTable(table)} (${cols.join(', ')})`);
      this.#log(`${this.#where}: created table ${table}`);
      return;
    }
    switch (this.#dataSaveMode) {
      case 'DROP_DATA':
        await conn.query(`DELETE FROM ${d.quoteTable(table)}`);
        break;
      case 'ERROR_WHEN_DATA_EXISTS': {
        const r = await conn.query(`SELECT 1 FROM ${d.quoteTable(table)} LIMIT 1`);
        if (r.rows.length > 0) throw connectorFailed(this.#where, `ErrorCode:[API-10], ErrorDescription:[The target data source already has data] - ${table}`);
        break;
      }
      case 'CUSTOM_PROCESSING':
        if (this.#customSql) await conn.query(this.#customSql);
        break;
    }
  }

  async #tableExists(table: string): Promise<boolean> {
    try {
      await this.#conn!.query(`SELECT 1 FROM ${this.#dialect.quoteTable(table)} WHERE 1 = 0`);
      return true;
    } catch {
      return false;
    }
  }

  /** Plain inserts into a database with a bulk protocol stream straight to it. */
  #streams(): boolean {
    return this.#table !== undefined && !(this.#upsert && this.#primaryKeys) && this.#conn?.bulkWriter !== undefined;
  }

  async #bulkWrite(rows: Row[]): Promise<void> {
    this.#bulkPending ??= this.#conn!.bulkWriter!(this.#table!, this.#schema.fields);
    this.#bulk ??= await this.#bulkPending;
    const values: Value[][] = [];
    for (const r of rows) if (r.kind === RowKind.INSERT || r.kind === RowKind.UPDATE_AFTER) values.push(r.values);
    await this.#bulk.write(values);
  }

  write(rows: Row[]): void | Promise<void> {
    if (this.#streams()) {
      if (this.#bulk) {
        let plain = true;
        for (const r of rows) if (r.kind !== RowKind.INSERT) plain = false;
        if (plain) return this.#bulk.write(rows.map((r) => r.values));
      }
      return this.#bulkWrite(rows);
    }
    const pk = this.#primaryKeys !== undefined;
    for (const r of rows) {
      if (r.kind === RowKind.UPDATE_BEFORE) continue;
      if (r.kind === RowKind.DELETE) {
        if (pk) this.#buffer.push({ op: 'delete', values: r.values });
        else if (!this.#warnedDeletes) {
          this.#warnedDeletes = true;
          this.#log(`${this.#where}: DELETE rows are skipped because no primary_keys are configured`);
        }
        continue;
      }
      this.#buffer.push({ op: 'upsert', values: r.values });
    }
    if (this.#buffer.length >= this.#batchSize) return this.#flush();
  }

  async #flush(): Promise<void> {
    const buf = this.#buffer;
    if (buf.length === 0) return;
    this.#buffer = [];
    const conn = this.#conn!;
    const fields = this.#schema.fields;
    if (this.#query) {
      // A user statement with `?` in field order: executed row by row.
      const sql = this.#dialect.name === 'postgresql' ? convertPlaceholders(this.#query) : this.#query;
      // One transaction per batch: far fewer commits, and a batch lands whole or not at all.
      await conn.query('BEGIN');
      try {
        for (const item of buf) if (item.op === 'upsert') await conn.query(sql, item.values);
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => {});
        throw err;
      }
      return;
    }
    const table = this.#table!;
    const keys = this.#upsert ? this.#primaryKeys : undefined;
    const keyFields: Field[] = this.#keyIndexes.map((i) => fields[i]);
    // Consecutive operations of one kind go in one statement; order between kinds is kept.
    let start = 0;
    while (start < buf.length) {
      let end = start;
      while (end < buf.length && buf[end].op === buf[start].op) end++;
      const run = buf.slice(start, end);
      if (run[0].op === 'delete') await conn.deleteMany(table, keyFields, run.map((x) => this.#keyIndexes.map((i) => x.values[i])));
      else await conn.insertMany(table, fields, keys ? lastPerKey(run.map((x) => x.values), this.#keyIndexes) : run.map((x) => x.values), keys);
      start = end;
    }
  }

  async prepareCommit(): Promise<undefined> {
    await this.#flush();
    const bulk = this.#bulk;
    this.#bulk = undefined;
    this.#bulkPending = undefined;
    await bulk?.end();
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    this.#buffer = [];
    const bulk = this.#bulk;
    this.#bulk = undefined;
    this.#bulkPending = undefined;
    await bulk?.fail('the job was stopped');
  }
  async close(): Promise<void> {
    await this.abort();
    const c = this.#conn;
    this.#conn = undefined;
    await c?.close();
  }
}

/** An upsert statement may not touch one key twice: keep the last row per key, in first-seen order. */
function lastPerKey(rows: Value[][], keyIndexes: number[]): Value[][] {
  const byKey = new Map<string, Value[]>();
  for (const r of rows) byKey.set(keyIndexes.map((i) => String(r[i])).join('\u0000'), r);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

function convertPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

export const jdbcSinkFactory: SinkFactory = { kind: 'sink', name: 'Jdbc', create: (ctx) => new JdbcSink(ctx) };
