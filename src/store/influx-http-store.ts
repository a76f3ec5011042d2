// The second series-store backend: a real InfluxDB 1.x reached over HTTP (/write and /query).

import { createHash } from 'node:crypto';
import { type FieldType, type FieldValue, fieldType, type Point, type Tags } from '../core/point.ts';
import { formatInfluxDuration, type Instant, parseRFC3339, toNsString } from '../core/time.ts';
import { escapeMeasurement, formatPoint } from '../lineproto/format.ts';
import { PointBatch, unescapeMeasurement, unescapeTag } from '../lineproto/point-batch.ts';
import { databaseNotFound, fieldTypeConflict, invalidName, retentionPolicyExists, retentionPolicyNotFound, retentionTooShort, storeCorrupt } from './errors.ts';
import { type ExactJson, parseExactJson } from './exact-json.ts';
import type {
  CreateDatabaseOptions,
  DatabaseInfo,
  DatabaseOptions,
  FieldColumn,
  FieldKeyList,
  MeasurementValues,
  RetentionPolicyChange,
  RetentionPolicyInfo,
  RetentionPolicySpec,
  ScanRequest,
  SeriesChunk,
  SeriesFilter,
  SeriesInfo,
  SeriesStore,
  TagExpr,
  TagValueList,
  WriteResult,
} from './series-store.ts';
import { DomainError } from '../core/errors.ts';
import type { InfluxQueryRequest, QueryPassthrough } from '../query/influxql/query-service.ts';
import type { Cell, StatementResult } from '../query/influxql/result.ts';

export interface InfluxHttpStoreOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086`. */
  url: string;
  username?: string;
  password?: string;
  /** Raw-write choice per database (not part of InfluxDB's model, so kept here). */
  storeRawWrites?: (database: string) => boolean;
  /** Per request, default 30 s. */
  timeoutMs?: number;
}

/** One statement's result as InfluxDB sends it, numbers kept exact. */
export interface RemoteSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: ExactJson[][];
}

export interface RemoteResult {
  statement_id: number;
  series?: RemoteSeries[];
  error?: string;
}

/** InfluxQL identifier quoting. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function regexLiteral(re: RegExp): string {
  const flags = re.flags.includes('i') ? '(?i)' : '';
  return `/${flags}${re.source.replace(/(^|[^\\])\//g, '$1\\/')}/`;
}

/** A tag condition as InfluxQL text. */
export function tagExprText(e: TagExpr): string {
  switch (e.op) {
    case 'and':
    case 'or':
      return `(${tagExprText(e.left)} ${e.op.toUpperCase()} ${tagExprText(e.right)})`;
    case '=':
    case '!=':
      return `${quoteIdent(e.key)}::tag ${e.op} ${quoteString(e.value)}`;
    default:
      return `${quoteIdent(e.key)}::tag ${e.op} ${regexLiteral(e.value)}`;
  }
}

function instantText(t: Instant): string {
  return toNsString(t);
}

/** Splits an escaped series key (`cpu,host=a\,b`) into measurement and tags. */
export function parseSeriesKey(key: string): { measurement: string; tags: Tags } {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '\\') i++;
    else if (key[i] === ',') {
      parts.push(key.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(key.slice(from));
  const tags: Tags = {};
  for (const pair of parts.slice(1)) {
    let eq = -1;
    for (let i = 0; i < pair.length; i++) {
      if (pair[i] === '\\') i++;
      else if (pair[i] === '=') {
        eq = i;
        break;
      }
    }
    tags[unescapeTag(pair.slice(0, eq))] = unescapeTag(pair.slice(eq + 1));
  }
  return { measurement: unescapeMeasurement(parts[0]), tags };
}

/** A stable id for a remote series: InfluxDB exposes none, so it is derived from the identity (48 bits). */
export function remoteSeriesId(database: string, retentionPolicy: string, key: string): number {
  const h = createHash('sha256').update(`${database}\u0000${retentionPolicy}\u0000${key}`).digest();
  return h.readUIntBE(0, 6) + 1;
}

function mapRemoteError(message: string, database: string | undefined): DomainError {
  if (/^database not found/.test(message)) return databaseNotFound(database ?? '');
  const rp = /^retention policy not found: (.*)$/.exec(message);
  if (rp !== null) return retentionPolicyNotFound(rp[1]);
  if (/field type conflict/.test(message)) {
    const m = /input field "([^"]*)" on measurement "([^"]*)" is type (\w+), already exists as type (\w+)/.exec(message);
    if (m !== null) return fieldTypeConflict(m[1], m[2], m[3], m[4]);
  }
  if (/retention policy already exists|conflicts with an existing policy/.test(message)) return retentionPolicyExists();
  if (/retention policy duration must be at least/.test(message)) return retentionTooShort();
  return new DomainError('E_STORE_REMOTE', 'internal', `influxdb: ${message}`);
}

export class InfluxHttpStore implements SeriesStore, QueryPassthrough {
  readonly #url: string;
  readonly #auth: string | undefined;
  readonly #timeoutMs: number;
  readonly #storeRaw: (db: string) => boolean;
  readonly #seen = new Map<number, SeriesInfo>();
  /** Raw-write choices made through this store (they override the configured ones). */
  readonly #rawChoice = new Map<string, boolean>();
  /** Field types known per database and measurement, to refuse conflicting writes whole. */
  readonly #types = new Map<string, Map<string, FieldType>>();

  constructor(options: InfluxHttpStoreOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#auth =
      options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : undefined;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#storeRaw = options.storeRawWrites ?? (() => false);
  }

  async #request(path: string, params: Record<string, string | undefined>, body?: string): Promise<{ status: number; text: string }> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, v);
    const headers: Record<string, string> = {};
    if (this.#auth !== undefined) headers.authorization = this.#auth;
    let res: Response;
    try {
      res = await fetch(`${this.#url}${path}?${qs}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (err) {
      throw new DomainError('E_STORE_REMOTE_UNAVAILABLE', 'unavailable', `influxdb at ${this.#url} unreachable: ${(err as Error).message}`);
    }
    return { status: res.status, text: await res.text() };
  }

  /** Runs InfluxQL on the remote; statement errors throw (mapped to store errors). */
  async influxql(q: string, database?: string, extra: Record<string, string | undefined> = {}): Promise<RemoteResult[]> {
    const { status, text } = await this.#request('/query', { q, db: database, ...extra });
    const doc = parseExactJson(text) as { results?: RemoteResult[]; error?: string };
    if (doc.error !== undefined) throw status >= 500 ? mapRemoteError(doc.error, database) : new DomainError('E_INFLUXQL_PARSE', 'invalid', doc.error);
    return doc.results ?? [];
  }

  /**
   * Hands a whole query to InfluxDB (the /query service does this for databases that live there).
   * Times come back as instants, int64 values exactly.
   */
  async query(text: string, request: InfluxQueryRequest): Promise<StatementResult[]> {
    const params = request.params === undefined ? undefined : JSON.stringify(request.params);
    const results = await this.influxql(text, request.database, { rp: request.retentionPolicy, params });
    return results.map((r) => {
      const out: StatementResult = { statement_id: r.statement_id };
      if (r.series !== undefined) {
        out.series = r.series.map((s) => {
          const timeCol = s.columns[0] === 'time';
          const values = (s.values ?? []).map((row) =>
            row.map((v, i): Cell => {
              if (i === 0 && timeCol && typeof v === 'string') return parseRFC3339(v) ?? v;
              return v as Cell;
            }),
          );
          return { ...(s.name !== undefined ? { name: s.name } : {}), ...(s.tags !== undefined ? { tags: s.tags } : {}), columns: s.columns, values };
        });
      }
      if (r.error !== undefined) out.error = r.error;
      return out;
    });
  }

  async #one(q: string, database?: string): Promise<RemoteSeries[]> {
    const [r] = await this.influxql(q, database);
    if (r?.error !== undefined) throw mapRemoteError(r.error, database);
    return r?.series ?? [];
  }

  // ---- databases and retention policies ----------------------------------------------------

  async listDatabases(): Promise<DatabaseInfo[]> {
    const names = (await this.#one('SHOW DATABASES'))[0]?.values?.map((v) => String(v[0])) ?? [];
    const out: DatabaseInfo[] = [];
    for (const name of names.sort()) {
      const info = await this.getDatabase(name);
      if (info !== undefined) out.push(info);
    }
    return out;
  }

  async getDatabase(name: string): Promise<DatabaseInfo | undefined> {
    const [r] = await this.influxql(`SHOW RETENTION POLICIES ON ${quoteIdent(name)}`);
    if (r?.error !== undefined) {
      if (/database not found/.test(r.error)) return undefined;
      throw mapRemoteError(r.error, name);
    }
    const rps: RetentionPolicyInfo[] = (r?.series?.[0]?.values ?? []).map((v) => ({
      name: String(v[0]),
      duration: parseGoDuration(String(v[1])),
      shardGroupDuration: parseGoDuration(String(v[2])),
      replication: Number(v[3]),
      default: v[4] === true,
    }));
    return { name, storeRawWrites: this.#rawChoice.get(name) ?? this.#storeRaw(name), defaultRetentionPolicy: rps.find((rp) => rp.default)?.name ?? '', retentionPolicies: rps };
  }

  async createDatabase(name: string, options: CreateDatabaseOptions = {}): Promise<DatabaseInfo> {
    if (name === '') throw invalidName('database name required');
    let q = `CREATE DATABASE ${quoteIdent(name)}`;
    const rp = options.retentionPolicy;
    if (rp !== undefined) {
      q += ` WITH DURATION ${rp.duration === 0 ? 'INF' : formatInfluxDuration(rp.duration)} REPLICATION ${rp.replication ?? 1}`;
      if (rp.shardGroupDuration) q += ` SHARD DURATION ${formatInfluxDuration(rp.shardGroupDuration)}`;
      q += ` NAME ${quoteIdent(rp.name)}`;
    }
    await this.#one(q);
    if (options.storeRawWrites !== undefined) this.#rawChoice.set(name, options.storeRawWrites);
    return (await this.getDatabase(name)) as DatabaseInfo;
  }

  async dropDatabase(name: string): Promise<void> {
    await this.#one(`DROP DATABASE ${quoteIdent(name)}`);
    for (const k of this.#types.keys()) if (k.startsWith(`${name}\u0000`)) this.#types.delete(k);
  }

  async updateDatabase(name: string, options: DatabaseOptions): Promise<DatabaseInfo> {
    if ((await this.getDatabase(name)) === undefined) throw databaseNotFound(name);
    // InfluxDB has no such option: the choice lives in this process (configuration sets it at start).
    if (options.storeRawWrites !== undefined) this.#rawChoice.set(name, options.storeRawWrites);
    return (await this.getDatabase(name)) as DatabaseInfo;
  }

  async createRetentionPolicy(database: string, spec: RetentionPolicySpec): Promise<RetentionPolicyInfo> {
    let q = `CREATE RETENTION POLICY ${quoteIdent(spec.name)} ON ${quoteIdent(database)} DURATION ${spec.duration === 0 ? 'INF' : formatInfluxDuration(spec.duration)} REPLICATION ${spec.replication ?? 1}`;
    if (spec.shardGroupDuration) q += ` SHARD DURATION ${formatInfluxDuration(spec.shardGroupDuration)}`;
    if (spec.default) q += ' DEFAULT';
    await this.#one(q);
    return this.#rpInfo(database, spec.name);
  }

  async #rpInfo(database: string, name: string): Promise<RetentionPolicyInfo> {
    const db = await this.getDatabase(database);
    if (db === undefined) throw databaseNotFound(database);
    const rp = db.retentionPolicies.find((r) => r.name === name);
    if (rp === undefined) throw retentionPolicyNotFound(name);
    return rp;
  }

  async alterRetentionPolicy(database: string, name: string, change: RetentionPolicyChange): Promise<RetentionPolicyInfo> {
    let q = `ALTER RETENTION POLICY ${quoteIdent(name)} ON ${quoteIdent(database)}`;
    if (change.duration !== undefined) q += ` DURATION ${change.duration === 0 ? 'INF' : formatInfluxDuration(change.duration)}`;
    if (change.replication !== undefined) q += ` REPLICATION ${change.replication}`;
    if (change.shardGroupDuration !== undefined) q += ` SHARD DURATION ${formatInfluxDuration(change.shardGroupDuration)}`;
    if (change.default) q += ' DEFAULT';
    await this.#rpInfo(database, name);
    await this.#one(q);
    return this.#rpInfo(database, name);
  }

  async dropRetentionPolicy(database: string, name: string): Promise<void> {
    if ((await this.getDatabase(database)) === undefined) throw databaseNotFound(database);
    await this.#one(`DROP RETENTION POLICY ${quoteIdent(name)} ON ${quoteIdent(database)}`);
  }

  // ---- writes ------------------------------------------------------------------------------

  async write(points: PointBatch | readonly Point[]): Promise<WriteResult> {
    const groups = new Map<string, { db: string; rp: string; lines: string[] }>();
    const add = (db: string, rp: string, line: string) => {
      const k = `${db}\u0000${rp}`;
      let g = groups.get(k);
      if (g === undefined) {
        g = { db, rp, lines: [] };
        groups.set(k, g);
      }
      g.lines.push(line);
    };
    if (points instanceof PointBatch) {
      for (let i = 0; i < points.length; i++) add(points.database, points.retentionPolicy, formatPoint(points.point(i)));
    } else {
      for (const p of points) if (Object.keys(p.fields).length > 0) add(p.database, p.retentionPolicy, formatPoint(p));
    }
    await this.#checkTypes(points);
    let written = 0;
    for (const g of groups.values()) {
      const { status, text } = await this.#request('/write', { db: g.db, rp: g.rp || undefined, precision: 'ns' }, g.lines.join('\n'));
      if (status !== 204) {
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          // plain text error
        }
        throw mapRemoteError(message.replace(/^partial write: /, ''), g.db);
      }
      written += g.lines.length;
    }
    return { written };
  }

  /**
   * InfluxDB writes the points before a type conflict and drops the rest; the contract wants all or
   * nothing, so types are checked first against what the server knows (cached per measurement).
   */
  async #checkTypes(points: PointBatch | readonly Point[]): Promise<void> {
    const local = new Map<string, Map<string, FieldType>>();
    const visit = async (db: string, measurement: string, fields: Record<string, FieldValue>) => {
      const k = `${db}\u0000${measurement}`;
      let known = this.#types.get(k);
      if (known === undefined) {
        known = new Map();
        const [r] = await this.influxql(`SHOW FIELD KEYS ON ${quoteIdent(db)} FROM ${quoteIdent(measurement)}`, db);
        if (r?.error !== undefined) throw mapRemoteError(r.error, db);
        for (const v of r?.series?.[0]?.values ?? []) known.set(String(v[0]), String(v[1]) as FieldType);
        this.#types.set(k, known);
      }
      let batch = local.get(k);
      if (batch === undefined) {
        batch = new Map();
        local.set(k, batch);
      }
      for (const [name, value] of Object.entries(fields)) {
        const type = fieldType(value);
        const existing = known.get(name) ?? batch.get(name);
        if (existing === undefined) batch.set(name, type);
        else if (existing !== type) throw fieldTypeConflict(name, measurement, type, existing);
      }
    };
    if (points instanceof PointBatch) {
      for (let i = 0; i < points.length; i++) await visit(points.database, points.measurement(i), points.fields(i));
    } else {
      for (const p of points) await visit(p.database, p.name, p.fields);
    }
    for (const [k, types] of local) {
      const known = this.#types.get(k);
      if (known !== undefined) for (const [name, type] of types) known.set(name, type);
    }
  }

  // ---- series index ------------------------------------------------------------------------

  #from(filter: SeriesFilter): string {
    if (filter.measurement === undefined) return '';
    const m = typeof filter.measurement === 'string' ? quoteIdent(filter.measurement) : regexLiteral(filter.measurement);
    return filter.retentionPolicy ? ` FROM ${quoteIdent(filter.database)}.${quoteIdent(filter.retentionPolicy)}.${m}` : ` FROM ${m}`;
  }

  #where(filter: SeriesFilter): string {
    return filter.tags === undefined ? '' : ` WHERE ${tagExprText(filter.tags)}`;
  }

  async #requireDb(name: string): Promise<DatabaseInfo> {
    const db = await this.getDatabase(name);
    if (db === undefined) throw databaseNotFound(name);
    return db;
  }

  async listSeries(filter: SeriesFilter): Promise<SeriesInfo[]> {
    const db = await this.#requireDb(filter.database);
    const rp = filter.retentionPolicy || db.defaultRetentionPolicy;
    const rows = (await this.#one(`SHOW SERIES ON ${quoteIdent(filter.database)}${this.#from(filter)}${this.#where(filter)}`, filter.database))[0]?.values ?? [];
    const out = rows.map((v) => this.#info(filter.database, rp, String(v[0])));
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  #info(database: string, retentionPolicy: string, key: string, known?: { measurement: string; tags: Tags }): SeriesInfo {
    const id = remoteSeriesId(database, retentionPolicy, key);
    const cached = this.#seen.get(id);
    if (cached !== undefined) return cached;
    const { measurement, tags } = known ?? parseSeriesKey(key);
    const sorted: Tags = {};
    for (const k of Object.keys(tags).sort()) sorted[k] = tags[k];
    const info: SeriesInfo = Object.freeze({ id, database, retentionPolicy, measurement, tags: Object.freeze(sorted), key });
    this.#seen.set(id, info);
    return info;
  }

  async getSeries(id: number): Promise<SeriesInfo | undefined> {
    return this.#seen.get(id);
  }

  async listMeasurements(filter: SeriesFilter): Promise<string[]> {
    await this.#requireDb(filter.database);
    let q = `SHOW MEASUREMENTS ON ${quoteIdent(filter.database)}`;
    if (filter.measurement !== undefined) {
      q += typeof filter.measurement === 'string' ? ` WITH MEASUREMENT = ${quoteIdent(filter.measurement)}` : ` WITH MEASUREMENT =~ ${regexLiteral(filter.measurement)}`;
    }
    q += this.#where(filter);
    const rows = (await this.#one(q, filter.database))[0]?.values ?? [];
    return rows.map((v) => String(v[0])).sort();
  }

  async listTagKeys(filter: SeriesFilter): Promise<MeasurementValues[]> {
    await this.#requireDb(filter.database);
    const series = await this.#one(`SHOW TAG KEYS ON ${quoteIdent(filter.database)}${this.#from(filter)}${this.#where(filter)}`, filter.database);
    return series.map((s) => ({ measurement: s.name ?? '', values: (s.values ?? []).map((v) => String(v[0])) }));
  }

  async listTagValues(filter: SeriesFilter, key: string | RegExp): Promise<TagValueList[]> {
    await this.#requireDb(filter.database);
    const withKey = typeof key === 'string' ? `= ${quoteIdent(key)}` : `=~ ${regexLiteral(key)}`;
    const series = await this.#one(`SHOW TAG VALUES ON ${quoteIdent(filter.database)}${this.#from(filter)} WITH KEY ${withKey}${this.#where(filter)}`, filter.database);
    return series
      .map((s) => ({ measurement: s.name ?? '', values: (s.values ?? []).map((v) => ({ key: String(v[0]), value: String(v[1]) })) }))
      .filter((s) => s.values.length > 0);
  }

  async listFieldKeys(filter: SeriesFilter): Promise<FieldKeyList[]> {
    await this.#requireDb(filter.database);
    const series = await this.#one(`SHOW FIELD KEYS ON ${quoteIdent(filter.database)}${this.#from({ ...filter, tags: undefined })}`, filter.database);
    return series.map((s) => ({
      measurement: s.name ?? '',
      fields: (s.values ?? []).map((v) => ({ key: String(v[0]), type: String(v[1]) as FieldType })),
    }));
  }

  // ---- scans ---------------------------------------------------------------------------------

  async *scan(request: ScanRequest): AsyncIterable<SeriesChunk> {
    const db = await this.#requireDb(request.database);
    const rp = request.retentionPolicy || db.defaultRetentionPolicy;
    if (!db.retentionPolicies.some((r) => r.name === rp)) throw retentionPolicyNotFound(rp);
    const measurements = await this.listMeasurements({ database: request.database, measurement: request.measurement });
    const chunks: SeriesChunk[] = [];
    for (const m of measurements) {
      const types = new Map<string, FieldType>();
      for (const f of await this.listFieldKeys({ database: request.database, measurement: m })) for (const k of f.fields) types.set(k.key, k.type);
      const wanted = request.fields === undefined ? [...types.keys()] : request.fields.filter((f) => types.has(f));
      if (wanted.length === 0) continue;
      const conds: string[] = [];
      if (request.start !== undefined) conds.push(`time >= ${instantText(request.start)}`);
      if (request.end !== undefined) conds.push(`time < ${instantText(request.end)}`);
      if (request.tags !== undefined) conds.push(tagExprText(request.tags));
      const q = `SELECT ${wanted.map((f) => `${quoteIdent(f)}::field`).join(',')} FROM ${quoteIdent(request.database)}.${quoteIdent(rp)}.${quoteIdent(m)}${
        conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : ''
      } GROUP BY *`;
      for (const s of await this.#one(q, request.database)) {
        const tags: Tags = {};
        for (const [k, v] of Object.entries(s.tags ?? {})) if (v !== '') tags[k] = v;
        let key = escapeMeasurement(m);
        for (const k of Object.keys(tags).sort()) key += `,${k.replace(/[,= ]/g, '\\$&')}=${tags[k].replace(/[,= ]/g, '\\$&')}`;
        const info = this.#info(request.database, rp, key, { measurement: m, tags });
        const chunk = toChunk(info, s, types);
        if (chunk !== undefined) chunks.push(chunk);
      }
    }
    chunks.sort((a, b) => (a.series.key < b.series.key ? -1 : a.series.key > b.series.key ? 1 : 0));
    yield* chunks;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

function toChunk(info: SeriesInfo, s: RemoteSeries, types: Map<string, FieldType>): SeriesChunk | undefined {
  const rows = s.values ?? [];
  const n = rows.length;
  if (n === 0) return undefined;
  const timeMs = new Float64Array(n);
  const timeNs = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = parseRFC3339(String(rows[i][0]));
    if (t === undefined) throw storeCorrupt(`bad time from influxdb: ${rows[i][0]}`);
    timeMs[i] = t.ms;
    timeNs[i] = t.ns;
  }
  const fields = new Map<string, FieldColumn>();
  s.columns.forEach((name, c) => {
    if (c === 0) return;
    const type = types.get(name) ?? 'float';
    const valid = new Uint8Array(n);
    let any = false;
    let all = true;
    const cells: FieldValue[] = [];
    for (let i = 0; i < n; i++) {
      const v = rows[i][c];
      if (v === null || v === undefined) {
        all = false;
        cells.push(type === 'string' ? '' : 0);
        continue;
      }
      valid[i] = 1;
      any = true;
      cells.push(v as FieldValue);
    }
    if (!any) return;
    const mask = all ? undefined : valid;
    switch (type) {
      case 'float':
        fields.set(name, { type, values: Float64Array.from(cells, (v) => Number(v)), valid: mask });
        break;
      case 'integer':
        fields.set(name, { type, values: BigInt64Array.from(cells, (v) => (typeof v === 'bigint' ? v : BigInt(v as number))), valid: mask });
        break;
      case 'boolean':
        fields.set(name, { type, values: Uint8Array.from(cells, (v) => (v === true ? 1 : 0)), valid: mask });
        break;
      default:
        fields.set(name, { type: 'string', values: cells.map(String), valid: mask });
    }
  });
  if (fields.size === 0) return undefined;
  return { series: info, length: n, timeMs, timeNs, fields };
}


/** Parses Go's duration text (`168h0m0s`, `1h30m0s`, `0s`) as InfluxDB prints retention durations. */
export function parseGoDuration(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/([\d.]+)(h|ms|µs|us|ns|m|s)/g)) {
    const v = Number(m[1]);
    const unit = m[2];
    total += v * (unit === 'h' ? 3.6e12 : unit === 'm' ? 6e10 : unit === 's' ? 1e9 : unit === 'ms' ? 1e6 : unit === 'ns' ? 1 : 1e3);
  }
  return Math.round(total);
}
