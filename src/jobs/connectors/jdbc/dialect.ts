// JDBC-style dialects over Node drivers: PostgreSQL (pg) and MySQL/MariaDB (mysql2), chosen by the URL prefix.

import { optionInvalid } from '../../errors.ts';
import type { Field, SeaType, Value } from '../../row.ts';
import { loadDriver } from '../driver.ts';
import { binaryEncoding, type CopyEncoding, copyIn, copyStream, type PgClient, TEXT_ENCODING } from './pg-copy.ts';

export interface QueryResult {
  rows: unknown[][];
  fields: Field[];
}

export interface JdbcConnection {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Inserts (or upserts) many rows in one statement. */
  insertMany(table: string, columns: Field[], rows: Value[][], primaryKeys: string[] | undefined): Promise<void>;
  deleteMany(table: string, keyColumns: Field[], keys: Value[][]): Promise<void>;
  /**
   * A streaming bulk load where the database has one (PostgreSQL COPY): rows are sent as they come
   * while the server ingests them, and become visible only when `end` completes; `fail` drops them.
   */
  bulkWriter?(table: string, columns: Field[]): Promise<BulkWriter>;
  /** Reads a query's result in pieces (a server-side cursor, or a streamed result), so memory stays bounded. */
  cursor(sql: string, params: unknown[]): Promise<RowCursor>;
  /** The primary key columns of a table (`schema.table`, `db.table` or `table`) in key order; empty when it has none. */
  primaryKey(table: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface RowCursor {
  /** Up to `n` rows; fewer (or none) at the end. */
  next(n: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

export interface BulkWriter {
  write(rows: Value[][]): void | Promise<void>;
  end(): Promise<void>;
  fail(reason: string): Promise<void>;
}

export interface Dialect {
  name: 'postgresql' | 'mysql';
  connect(): Promise<JdbcConnection>;
  quote(identifier: string): string;
  /** `a.b` → quoted parts. */
  quoteTable(path: string): string;
  columnType(t: SeaType, isKey: boolean): string;
  /** Positional parameter syntax of this dialect. */
  param(i: number): string;
}

export interface ConnectionInfo {
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  params: URLSearchParams;
}

export function parseJdbcUrl(url: string, where: string): { kind: 'postgresql' | 'mysql'; info: ConnectionInfo } {
  const m = /^jdbc:(postgresql|mysql|mariadb):\/\/([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/i.exec(url.trim());
  if (!m) throw optionInvalid(where, `unsupported url '${url.replace(/password=[^&]*/gi, 'password=******')}' (jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb://)`);
  const kind = m[1].toLowerCase() === 'postgresql' ? 'postgresql' : 'mysql';
  const [host, port] = m[2].split(':');
  const params = new URLSearchParams(m[4] ?? '');
  return {
    kind,
    info: {
      host,
      port: port ? Number(port) : kind === 'postgresql' ? 5432 : 3306,
      database: decodeURIComponent(m[3] ?? ''),
      user: params.get('user') ?? undefined,
      password: params.get('password') ?? undefined,
      params,
    },
  };
}

/** Values as drivers take them: bigints and timestamps as text, nested values as JSON. */
function toParam(v: Value, forMysql: boolean): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return forMysql && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? v.replace('T', ' ') : v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

// ---- PostgreSQL -------------------------------------------------------------------------------

const PG_OIDS: Record<number, SeaType['kind']> = {
  16: 'boolean',
  20: 'bigint',
  21: 'smallint',
  23: 'int',
  700: 'float',
  701: 'double',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamp',
  17: 'bytes',
};

function pgType(oid: number, modifier: number): SeaType {
  if (oid === 1700) {
    if (modifier < 4) return { kind: 'decimal', precision: 38, scale: 18 };
    const m = modifier - 4;
    return { kind: 'decimal', precision: (m >> 16) & 0xffff, scale: m & 0xffff };
  }
  const kind = PG_OIDS[oid];
  return kind ? ({ kind } as SeaType) : { kind: 'string' };
}

function pgColumnType(t: SeaType): string {
  switch (t.kind) {
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'tinyint':
    case 'smallint':
      return 'smallint';
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'decimal':
      return `numeric(${t.precision},${t.scale})`;
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'timestamp':
      return 'timestamp';
    case 'bytes':
      return 'bytea';
    case 'null':
      return 'text';
    default:
      return 'jsonb';
  }
}

const quotePg = (id: string) => `"${id.replace(/"/g, '""')}"`;

export function postgresDialect(info: ConnectionInfo, plugin: string): Dialect {
  const quoteTable = (path: string) => path.split('.').map(quotePg).join('.');
  return {
    name: 'postgresql',
    quote: quotePg,
    quoteTable,
    param: (i) => `$${i + 1}`,
    columnType: (t) => pgColumnType(t),
    async connect() {
      const pg = await loadDriver<{ default: { Client: new (c: object) => PgClient } }>('pg', plugin);
      // Dates and timestamps stay text (no local-time Date conversion); the engine keeps ISO strings.
      const raw = (v: string) => v;
      const client = new pg.default.Client({
        host: info.host,
        port: info.port,
        database: info.database,
        user: info.user,
        password: info.password,
        types: { getTypeParser: (oid: number) => ([1082, 1083, 1114, 1184, 20, 1700].includes(oid) ? raw : oid === 17 ? (v: string) => Buffer.from(v.slice(2), 'hex') : oid === 16 ? (v: string) => v === 't' : [21, 23, 700, 701].includes(oid) ? Number : raw) },
      });
      // A connection that dies also reaches the query under way (which fails); unheard, the event would end the process.
      client.on('error', () => {});
      await client.connect();
      const stages = new Map<string, string>();
      const encodings = new Map<string, CopyEncoding>();
      /** The COPY format for these columns of a table: its column types decide (looked up once per table and column list). */
      const encodingFor = async (table: string, columns: Field[]): Promise<CopyEncoding> => {
        const cols = columns.map((c) => quotePg(c.name)).join(', ');
        const key = `${quoteTable(table)} (${cols})`;
        let encoding = encodings.get(key);
        if (!encoding) {
          const r = await client.query({ text: `SELECT ${cols} FROM ${quoteTable(table)} WHERE false` });
          encoding = binaryEncoding(columns, r.fields.map((f) => f.dataTypeID)) ?? TEXT_ENCODING;
          encodings.set(key, encoding);
        }
        return encoding;
      };
      let cursors = 0;
      let open = 0;
      return {
        async cursor(sql, params) {
          // Cursors live in a transaction; one stays open while any cursor of this connection does.
          if (open++ === 0) await client.query({ text: 'BEGIN' });
          const name = `inductor_cursor_${++cursors}`;
          try {
            await client.query({ text: `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, values: params });
          } catch (err) {
            if (--open === 0) await client.query({ text: 'ROLLBACK' }).catch(() => {});
            throw err;
          }
          let closed = false;
          return {
            async next(n) {
              const r = await client.query({ text: `FETCH ${n} FROM ${name}`, rowMode: 'array' });
              return r.rows ?? [];
            },
            async close() {
              if (closed) return;
              closed = true;
              await client.query({ text: `CLOSE ${name}` });
              if (--open === 0) await client.query({ text: 'COMMIT' });
            },
          };
        },
        async primaryKey(table) {
          const r = await client.query({
            text: 'SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)',
            values: [quoteTable(table)],
            rowMode: 'array',
          });
          return r.rows.map((x) => String(x[0]));
        },
        async query(sql, params) {
          const r = await client.query({ text: sql, values: params, rowMode: 'array' });
          return { rows: r.rows ?? [], fields: (r.fields ?? []).map((f) => ({ name: f.name, type: pgType(f.dataTypeID, f.dataTypeModifier) })) };
        },
        async insertMany(table, columns, rows, primaryKeys) {
          if (rows.length === 0) return;
          const cols = columns.map((c) => quotePg(c.name)).join(', ');
          const encoding = await encodingFor(table, columns);
          if (!primaryKeys || primaryKeys.length === 0) {
            await copyIn(client, `${quoteTable(table)} (${cols})`, rows, encoding);
            return;
          }
          // COPY cannot upsert: rows go through a session-local staging table, then one INSERT ... ON CONFLICT.
          let stage = stages.get(table);
          if (!stage) {
            stage = `inductor_stage_${stages.size}`;
            await client.query({ text: `CREATE TEMP TABLE ${stage} AS SELECT ${cols} FROM ${quoteTable(table)} WITH NO DATA` });
            stages.set(table, stage);
          }
          await client.query({ text: `TRUNCATE ${stage}` });
          // The staging table has the target's column types, so the target's COPY format fits it.
          await copyIn(client, `${stage} (${cols})`, rows, encoding);
          const rest = columns.filter((c) => !primaryKeys.includes(c.name));
          const action = rest.length ? `UPDATE SET ${rest.map((c) => `${quotePg(c.name)} = EXCLUDED.${quotePg(c.name)}`).join(', ')}` : 'NOTHING';
          await client.query({
            text: `INSERT INTO ${quoteTable(table)} (${cols}) SELECT ${cols} FROM ${stage} ON CONFLICT (${primaryKeys.map(quotePg).join(', ')}) DO ${action}`,
          });
        },
        async bulkWriter(table, columns) {
          return copyStream(client, `${quoteTable(table)} (${columns.map((c) => quotePg(c.name)).join(', ')})`, await encodingFor(table, columns));
        },
        async deleteMany(table, keyColumns, keys) {
          if (keys.length === 0) return;
          const arrays = keyColumns.map((_, c) => keys.map((k) => toParam(k[c], false)));
          const cond = keyColumns.map((c, i) => `${quotePg(c.name)} = ANY($${i + 1}::${pgColumnType(c.type).replace(/\(.*\)/, '')}[])`).join(' AND ');
          if (keyColumns.length === 1) await client.query({ text: `DELETE FROM ${quoteTable(table)} WHERE ${cond}`, values: arrays });
          else {
            const tuple = keyColumns.map((c) => quotePg(c.name)).join(', ');
            const un = keyColumns.map((c, i) => `$${i + 1}::${pgColumnType(c.type).replace(/\(.*\)/, '')}[]`).join(', ');
            await client.query({ text: `DELETE FROM ${quoteTable(table)} WHERE (${tuple}) IN (SELECT * FROM unnest(${un}))`, values: arrays });
          }
        },
        close: () => client.end(),
      };
    },
  };
}

// ---- MySQL / MariaDB --------------------------------------------------------------------------

function mysqlType(columnType: number, length: number, decimals: number, binary: boolean): SeaType {
  switch (columnType) {
    case 1:
      return { kind: 'tinyint' };
    case 2:
    case 13:
      return { kind: 'smallint' };
    case 3:
    case 9:
      return { kind: 'int' };
    case 8:
      return { kind: 'bigint' };
    case 4:
      return { kind: 'float' };
    case 5:
      return { kind: 'double' };
    case 0:
    case 246:
      return { kind: 'decimal', precision: Math.max(1, length - (decimals > 0 ? 2 : 1)), scale: decimals };
    case 10:
      return { kind: 'date' };
    case 11:
      return { kind: 'time' };
    case 7:
    case 12:
      return { kind: 'timestamp' };
    case 16:
      return { kind: 'boolean' };
    case 249:
    case 250:
    case 251:
    case 252:
      return binary ? { kind: 'bytes' } : { kind: 'string' };
    default:
      return binary && columnType !== 245 && columnType !== 253 && columnType !== 254 ? { kind: 'bytes' } : { kind: 'string' };
  }
}

function mysqlColumnType(t: SeaType, isKey: boolean): string {
  switch (t.kind) {
    case 'string':
      return isKey ? 'VARCHAR(255)' : 'LONGTEXT';
    case 'boolean':
      return 'BOOLEAN';
    case 'tinyint':
      return 'TINYINT';
    case 'smallint':
      return 'SMALLINT';
    case 'int':
      return 'INT';
    case 'bigint':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'DATETIME(6)';
    case 'bytes':
      return 'LONGBLOB';
    case 'null':
      return 'LONGTEXT';
    default:
      return 'JSON';
  }
}

interface MysqlField {
  name: string;
  columnType: number;
  columnLength: number;
  decimals: number;
  characterSet?: number;
  flags?: number;
}
interface MysqlConn {
  on(event: 'error', listener: (err: Error) => void): void;
  query(o: { sql: string; values?: unknown[]; rowsAsArray?: boolean }): Promise<[unknown, MysqlField[] | undefined]>;
  end(): Promise<void>;
  /** The callback-style connection underneath, which can stream a result. */
  connection: { query(o: { sql: string; values?: unknown[]; rowsAsArray?: boolean }): { stream(o?: { highWaterMark?: number }): NodeJS.ReadableStream & { destroy(): void } } };
}

const quoteMy = (id: string) => `\`${id.replace(/`/g, '``')}\``;

export function mysqlDialect(info: ConnectionInfo, plugin: string): Dialect {
  const quoteTable = (path: string) => path.split('.').map(quoteMy).join('.');
  return {
    name: 'mysql',
    quote: quoteMy,
    quoteTable,
    param: () => '?',
    columnType: mysqlColumnType,
    async connect() {
      const mysql = await loadDriver<{ default: { createConnection(c: object): Promise<MysqlConn> } }>('mysql2/promise', plugin);
      const open = async () => {
        const c = await mysql.default.createConnection({
          host: info.host,
          port: info.port,
          database: info.database || undefined,
          user: info.user,
          password: info.password,
          supportBigNumbers: true,
          bigNumberStrings: true,
          dateStrings: true,
          decimalNumbers: false,
          multipleStatements: false,
        });
        // As with pg: the statement under way fails, and the event must not end the process.
        c.on('error', () => {});
        return c;
      };
      const conn = await open();
      return {
        async cursor(sql, params) {
          // MySQL cannot interleave two streamed results on one connection: each cursor gets its own.
          const own = await open();
          const stream = own.connection.query({ sql, values: params.map((p) => toParam(p as Value, true)), rowsAsArray: true }).stream({ highWaterMark: 1024 });
          const it = stream[Symbol.asyncIterator]() as AsyncIterator<unknown[]>;
          let done = false;
          return {
            async next(n) {
              const out: unknown[][] = [];
              while (!done && out.length < n) {
                const r = await it.next();
                if (r.done) done = true;
                else out.push(r.value);
              }
              return out;
            },
            async close() {
              if (!done) stream.destroy();
              done = true;
              await own.end().catch(() => {});
            },
          };
        },
        async primaryKey(table) {
          const parts = table.split('.');
          const [rows] = await conn.query({
            sql: "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
            values: [parts.length > 1 ? parts[0] : null, parts[parts.length - 1]],
            rowsAsArray: true,
          });
          return (rows as unknown[][]).map((x) => String(x[0]));
        },
        async query(sql, params) {
          const [rows, fields] = await conn.query({ sql, values: params?.map((p) => toParam(p as Value, true)), rowsAsArray: true });
          return {
            rows: Array.isArray(rows) ? (rows as unknown[][]) : [],
            fields: (fields ?? []).map((f) => ({ name: f.name, type: mysqlType(f.columnType, f.columnLength, f.decimals, f.characterSet === 63) })),
          };
        },
        async insertMany(table, columns, rows, primaryKeys) {
          if (rows.length === 0) return;
          const cols = columns.map((c) => quoteMy(c.name)).join(', ');
          let sql = `INSERT INTO ${quoteTable(table)} (${cols}) VALUES ?`;
          if (primaryKeys && primaryKeys.length > 0) {
            const rest = columns.filter((c) => !primaryKeys.includes(c.name));
            const set = (rest.length ? rest : columns.slice(0, 1)).map((c) => `${quoteMy(c.name)} = VALUES(${quoteMy(c.name)})`).join(', ');
            sql += ` ON DUPLICATE KEY UPDATE ${set}`;
          }
          await conn.query({ sql, values: [rows.map((r) => r.map((v) => toParam(v, true)))] });
        },
        async deleteMany(table, keyColumns, keys) {
          if (keys.length === 0) return;
          const tuple = keyColumns.map((c) => quoteMy(c.name)).join(', ');
          await conn.query({ sql: `DELETE FROM ${quoteTable(table)} WHERE (${tuple}) IN (?)`, values: [keys.map((k) => k.map((v) => toParam(v, true)))] });
        },
        close: () => conn.end(),
      };
    },
  };
}

export function dialectFor(url: string, user: string | undefined, password: string | undefined, plugin: string): Dialect {
  const { kind, info } = parseJdbcUrl(url, plugin);
  if (user !== undefined) info.user = user;
  if (password !== undefined) info.password = password;
  return kind === 'postgresql' ? postgresDialect(info, plugin) : mysqlDialect(info, plugin);
}
