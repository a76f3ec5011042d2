// Runs parsed InfluxQL statements against a series store and shapes results as InfluxDB 1.x does.

import { isDomainError } from '../../core/errors.ts';
import { formatGoDuration, type Instant, systemClock } from '../../core/time.ts';
import { databaseNotFound } from '../../store/errors.ts';
import type { SeriesFilter, SeriesStore, TagExpr } from '../../store/series-store.ts';
import type { ShowStatement, Statement } from './ast.ts';
import { toTagExpr } from './condition.ts';
import { databaseRequired, invalidQuery } from './errors.ts';
import { formatDefinition } from './format.ts';
import { type BoundParams, parseQuery } from './parser.ts';
import type { Cell, ResultSeries, StatementResult } from './result.ts';
import { executeSelect } from './select.ts';

export interface QueryOptions {
  /** The `db` parameter: the database for statements that do not name one. */
  database?: string;
  /** The `rp` parameter. */
  retentionPolicy?: string;
  /** What now() means; defaults to the wall clock. */
  now?: Instant;
  params?: BoundParams;
  maxBuckets?: number;
  /**
   * The request was a GET: statements that change data still run, with InfluxDB's deprecation
   * warning in their result.
   */
  readOnlyContext?: boolean;
}

/**
 * Parses and runs a query text. A parse error throws (InfluxDB answers it with a top-level error);
 * a failing statement gets an `error` in its result and stops the statements after it.
 */
export async function executeInfluxQL(store: SeriesStore, text: string, options: QueryOptions = {}): Promise<StatementResult[]> {
  const statements = parseQuery(text, options.params);
  const now = options.now ?? systemClock.now();
  const results: StatementResult[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      const series = await executeStatement(store, statements[i], { ...options, now });
      const result: StatementResult = series === undefined || series.length === 0 ? { statement_id: i } : { statement_id: i, series };
      const text = options.readOnlyContext ? formatDefinition(statements[i]) : undefined;
      if (text !== undefined) {
        result.messages = [{ level: 'warning', text: `deprecated use of '${text}' in a read only context, please use a POST request instead` }];
      }
      results.push(result);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      results.push({ statement_id: i, error: err.message });
      break;
    }
  }
  return results;
}

/** Runs one statement; undefined for statements that return no series. */
export async function executeStatement(
  store: SeriesStore,
  stmt: Statement,
  options: QueryOptions & { now: Instant },
): Promise<ResultSeries[] | undefined> {
  switch (stmt.kind) {
    case 'select':
      return executeSelect(stmt, {
        store,
        database: options.database,
        retentionPolicy: options.retentionPolicy,
        now: options.now,
        maxBuckets: options.maxBuckets,
      });
    case 'create_database': {
      const rp = stmt.rp;
      // A database made through the InfluxDB dialect behaves like InfluxDB's: /write stores its
      // points. Re-creating an existing one (Telegraf does at every start) keeps its choice.
      const exists = (await store.getDatabase(stmt.name)) !== undefined;
      await store.createDatabase(stmt.name, {
        storeRawWrites: exists ? undefined : true,
        retentionPolicy:
          rp === undefined
            ? undefined
            : { name: rp.name ?? 'autogen', duration: rp.duration ?? 0, shardGroupDuration: rp.shardDuration, replication: rp.replication, default: true },
      });
      return undefined;
    }
    case 'drop_database':
      await store.dropDatabase(stmt.name);
      return undefined;
    case 'create_retention_policy':
      await store.createRetentionPolicy(stmt.database, {
        name: stmt.rp.name,
        duration: stmt.rp.duration,
        shardGroupDuration: stmt.rp.shardDuration,
        replication: stmt.rp.replication,
        default: stmt.rp.default,
      });
      return undefined;
    case 'alter_retention_policy':
      await store.alterRetentionPolicy(stmt.database, stmt.name, {
        duration: stmt.rp.duration,
        shardGroupDuration: stmt.rp.shardDuration,
        replication: stmt.rp.replication,
        default: stmt.rp.default,
      });
      return undefined;
    case 'drop_retention_policy':
      await store.dropRetentionPolicy(stmt.database, stmt.name);
      return undefined;
    default:
      return executeShow(store, stmt, options);
  }
}

function page<T>(values: T[], stmt: ShowStatement): T[] {
  let out = values;
  if (stmt.offset > 0) out = out.slice(stmt.offset);
  if (stmt.limit > 0) out = out.slice(0, stmt.limit);
  return out;
}

async function executeShow(store: SeriesStore, stmt: ShowStatement, options: QueryOptions): Promise<ResultSeries[]> {
  if (stmt.kind === 'show_databases') {
    const dbs = await store.listDatabases();
    const series: ResultSeries = { name: 'databases', columns: ['name'], values: dbs.map((d) => [d.name]) };
    return [series];
  }
  const database = stmt.database ?? options.database;
  if (database === undefined || database === '') throw databaseRequired();
  if (stmt.kind === 'show_retention_policies') {
    const db = await store.getDatabase(database);
    if (db === undefined) throw databaseNotFound(database);
    return [
      {
        columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
        values: db.retentionPolicies.map((rp) => [rp.name, formatGoDuration(rp.duration), formatGoDuration(rp.shardGroupDuration), rp.replication, rp.default]),
      },
    ];
  }
  // InfluxDB answers meta queries on a missing database with nothing rather than an error.
  if ((await store.getDatabase(database)) === undefined) return [];
  const tags = tagCondition(stmt);
  const filters: SeriesFilter[] = (stmt.sources.length === 0 ? [undefined] : stmt.sources).map((src) => ({
    database: src?.database ?? database,
    retentionPolicy: src?.retentionPolicy || stmt.retentionPolicy || undefined,
    measurement: src?.name ?? stmt.measurement,
    tags,
  }));
  switch (stmt.kind) {
    case 'show_measurements': {
      const names = new Set<string>();
      for (const f of filters) for (const n of await store.listMeasurements(f)) names.add(n);
      const values = page([...names].sort(), stmt).map((n): Cell[] => [n]);
      return values.length === 0 ? [] : [{ name: 'measurements', columns: ['name'], values }];
    }
    case 'show_series': {
      const keys = new Set<string>();
      for (const f of filters) for (const s of await store.listSeries(f)) keys.add(s.key);
      const values = page([...keys].sort(), stmt).map((k): Cell[] => [k]);
      return values.length === 0 ? [] : [{ columns: ['key'], values }];
    }
    case 'show_tag_keys': {
      const out: ResultSeries[] = [];
      for (const f of filters) {
        for (const m of await store.listTagKeys(f)) {
          const values = page(m.values, stmt).map((k): Cell[] => [k]);
          if (values.length > 0) out.push({ name: m.measurement, columns: ['tagKey'], values });
        }
      }
      return out;
    }
    case 'show_field_keys': {
      const out: ResultSeries[] = [];
      for (const f of filters) {
        for (const m of await store.listFieldKeys({ ...f, tags: undefined })) {
          const values = page(m.fields, stmt).map((k): Cell[] => [k.key, k.type]);
          if (values.length > 0) out.push({ name: m.measurement, columns: ['fieldKey', 'fieldType'], values });
        }
      }
      return out;
    }
    default: {
      const key = stmt.key;
      if (key === undefined) throw invalidQuery('SHOW TAG VALUES requires WITH KEY');
      const keep = (k: string): boolean => {
        switch (key.op) {
          case '=':
            return k === key.values[0];
          case '!=':
            return k !== key.values[0];
          case '=~':
            return (key.values[0] as RegExp).test(k);
          case '!~':
            return !(key.values[0] as RegExp).test(k);
          default:
            return key.values.includes(k);
        }
      };
      const out: ResultSeries[] = [];
      for (const f of filters) {
        const lookup = key.op === '=' ? (key.values[0] as string) : /.*/;
        for (const m of await store.listTagValues(f, lookup)) {
          const values = page(
            m.values.filter((v) => keep(v.key)),
            stmt,
          ).map((v): Cell[] => [v.key, v.value]);
          if (values.length > 0) out.push({ name: m.measurement, columns: ['key', 'value'], values });
        }
      }
      return out;
    }
  }
}

function tagCondition(stmt: ShowStatement): TagExpr | undefined {
  if (stmt.condition === undefined) return undefined;
  const tags = toTagExpr(stmt.condition, () => false);
  if (tags === undefined) throw invalidQuery('SHOW statements only filter on tags with =, !=, =~ and !~');
  return tags;
}
