// Inductor source and sink: jobs read from and write to the shared series store (the data plane's points).

import type { JsonValue } from '../../config/hocon.ts';
import { intOption, option, stringOption } from '../../config/job-config.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Field, Row, SeaType, TableSchema, Value } from '../../row.ts';
import type { FieldValue, Point, Tags } from '../../../core/point.ts';
import { formatRFC3339Nano, type Instant, instant, parseRFC3339 } from '../../../core/time.ts';
import { formatPoint } from '../../../lineproto/format.ts';
import { columnValue, type ScanRequest, type SeriesChunk, type SeriesStore } from '../../../store/series-store.ts';
import type { ConnectorContext, ReadStatus, Sink, SinkFactory, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';

const BATCH = 1024;

/**
 * The server's write path (the same as `/write`: stream tasks see the points, and the store keeps
 * them when the database stores raw writes). Shaped like WriteService.write.
 */
export type IngestFn = (request: { database: string; retentionPolicy: string | undefined; precision: string; body: Uint8Array }) => Promise<number>;

function storeOf(ctx: ConnectorContext): SeriesStore {
  const store = ctx.services.seriesStore as SeriesStore | undefined;
  if (!store) throw connectorFailed(ctx.pluginName, 'no series store is configured in this server');
  return store;
}

/** The measurement a source reads or a sink writes: both options are required. */
function targetOf(ctx: ConnectorContext): { database: string; measurement: string } {
  const database = stringOption(ctx.options, 'database');
  const measurement = stringOption(ctx.options, 'measurement');
  if (!database || !measurement) throw optionInvalid(ctx.pluginName, "options 'database' and 'measurement' are required");
  return { database, measurement };
}

/** The engine's timestamp text, exact to the nanosecond (RFC 3339 without the zone: UTC). */
function timeText(ms: number, ns: number): string {
  return formatRFC3339Nano(instant(ms, ns)).replace(/Z$/, '');
}

function parseTime(text: string | undefined, where: string, name: string): Instant | undefined {
  if (text === undefined) return undefined;
  const t = parseRFC3339(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  if (!t) throw optionInvalid(where, `${name} must be an RFC 3339 time, got '${text}'`);
  return t;
}

interface StoreOffset {
  /** The last emitted point: its series key and time; the scan resumes strictly after it. */
  key: string | null;
  ms: number;
  ns: number;
}

class SeriesStoreSource implements Source {
  readonly resumable = true;
  readonly #ctx: ConnectorContext;
  readonly #request: ScanRequest;
  readonly #where: string;
  #schema: TableSchema | undefined;
  #tagKeys: string[] = [];
  #fieldKeys: string[] = [];

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
    this.#where = ctx.pluginName;
    const o = ctx.options;
    const { database, measurement } = targetOf(ctx);
    const fields = option(o, 'fields');
    this.#request = {
      database,
      retentionPolicy: stringOption(o, 'retention_policy'),
      measurement,
      start: parseTime(stringOption(o, 'start_time'), this.#where, 'start_time'),
      end: parseTime(stringOption(o, 'end_time'), this.#where, 'end_time'),
      fields: Array.isArray(fields) ? fields.map(String) : undefined,
    };
  }

  async prepare(): Promise<void> {
    const store = storeOf(this.#ctx);
    const filter = { database: this.#request.database, retentionPolicy: this.#request.retentionPolicy, measurement: this.#request.measurement };
    if (!(await store.getDatabase(filter.database))) throw connectorFailed(this.#where, `database not found: ${filter.database}`);
    this.#tagKeys = (await store.listTagKeys(filter)).flatMap((m) => m.values).sort();
    const fieldTypes = (await store.listFieldKeys(filter)).flatMap((m) => m.fields);
    const wanted = this.#request.fields;
    const chosen = wanted ? fieldTypes.filter((f) => wanted.includes(f.key)) : fieldTypes;
    this.#fieldKeys = chosen.map((f) => f.key);
    const kind = (t: string): SeaType => ({ kind: t === 'float' ? 'double' : t === 'integer' ? 'bigint' : t === 'boolean' ? 'boolean' : 'string' }) as SeaType;
    const fields: Field[] = [
      { name: 'time', type: { kind: 'timestamp' }, nullable: false },
      ...this.#tagKeys.map((k) => ({ name: k, type: { kind: 'string' } as SeaType, nullable: true })),
      ...chosen.map((f) => ({ name: f.key, type: kind(f.type), nullable: true })),
    ];
    this.#schema = { table: this.#ctx.outputTable ?? `${this.#request.database}.${this.#request.measurement}`, fields };
  }

  schema(): TableSchema {
    if (!this.#schema) throw connectorFailed(this.#where, 'the schema is read when the job is submitted');
    return this.#schema;
  }

  async splits(): Promise<SourceSplit[]> {
    return [{ id: 'series-0', offset: { key: null, ms: 0, ns: 0 } satisfies StoreOffset as unknown as JsonValue }];
  }

  async reader(): Promise<SourceReader> {
    const store = storeOf(this.#ctx);
    const scans = new Map<string, AsyncIterator<SeriesChunk>>();
    const tagKeys = this.#tagKeys;
    const fieldKeys = this.#fieldKeys;
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as unknown as StoreOffset;
        let it = scans.get(split.id);
        if (!it) {
          it = store.scan(this.#request)[Symbol.asyncIterator]();
          scans.set(split.id, it);
        }
        const rows: Row[] = [];
        while (rows.length < BATCH) {
          const next = await it.next();
          if (next.done) break;
          const chunk = next.value;
          const key = chunk.series.key;
          if (off.key !== null && key < off.key) continue;
          const tags: Value[] = tagKeys.map((k) => chunk.series.tags[k] ?? null);
          const columns = fieldKeys.map((k) => chunk.fields.get(k));
          for (let r = 0; r < chunk.length; r++) {
            const ms = chunk.timeMs[r];
            const ns = chunk.timeNs[r];
            // Resume strictly after the checkpointed point (series-key order, then time).
            if (off.key !== null && key === off.key && (ms < off.ms || (ms === off.ms && ns <= off.ns))) continue;
            const values: Value[] = [timeText(ms, ns), ...tags];
            for (const c of columns) {
              const v = c === undefined ? undefined : columnValue(c, r);
              values.push(v === undefined ? null : v);
            }
            rows.push({ kind: 0, values });
          }
          if (rows.length > 0) {
            const last = chunk.length - 1;
            off.key = key;
            off.ms = chunk.timeMs[last];
            off.ns = chunk.timeNs[last];
          }
        }
        if (rows.length > 0) await emit(rows);
        if (rows.length < BATCH) {
          scans.delete(split.id);
          return 'end';
        }
        return 'more';
      },
      close: async () => {
        for (const it of scans.values()) await it.return?.();
        scans.clear();
      },
    };
  }

  async close(): Promise<void> {}
}

class SeriesStoreSink implements Sink {
  readonly #ctx: ConnectorContext;
  readonly #where: string;
  readonly #database: string;
  readonly #rp: string;
  readonly #measurement: string;
  readonly #keyTime: string | undefined;
  readonly #keyTags: string[];
  readonly #precision: number;
  readonly #batch: number;
  readonly #create: boolean;
  /** `store` writes to the series store; `ingest` goes through the write path so stream tasks see the points. */
  readonly #path: 'store' | 'ingest';
  #store!: SeriesStore;
  #schema!: TableSchema;
  #timeIndex = -1;
  #tagIndexes: number[] = [];
  #fieldIndexes: number[] = [];
  #pending: Point[] = [];

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
    this.#where = ctx.pluginName;
    const o = ctx.options;
    const { database, measurement } = targetOf(ctx);
    this.#database = database;
    this.#measurement = measurement;
    this.#rp = stringOption(o, 'retention_policy') ?? '';
    this.#keyTime = stringOption(o, 'key_time');
    const tags = option(o, 'key_tags');
    this.#keyTags = Array.isArray(tags) ? tags.map(String) : [];
    const precision = (stringOption(o, 'precision') ?? 'ms').toLowerCase();
    const per: Record<string, number> = { ns: 1, us: 1e3, u: 1e3, ms: 1e6, s: 1e9 };
    if (!per[precision]) throw optionInvalid(this.#where, `precision must be ns, us, ms or s`);
    this.#precision = per[precision];
    this.#batch = Math.max(1, intOption(o, 'batch_size', 1024, this.#where));
    this.#create = String(option(o, 'create_database') ?? 'true') !== 'false';
    const path = (stringOption(o, 'write_path') ?? 'store').toLowerCase();
    if (path !== 'store' && path !== 'ingest') throw optionInvalid(this.#where, "write_path must be 'store' or 'ingest'");
    this.#path = path;
    if (path === 'ingest' && typeof ctx.services.ingest !== 'function') throw connectorFailed(this.#where, 'this server offers no write path to ingest into');
  }

  async open(input: TableSchema): Promise<void> {
    if (this.#path === 'store') this.#store = storeOf(this.#ctx);
    this.#schema = input;
    const names = input.fields.map((f) => f.name);
    if (this.#keyTime !== undefined) {
      this.#timeIndex = names.indexOf(this.#keyTime);
      if (this.#timeIndex < 0) throw optionInvalid(this.#where, `key_time '${this.#keyTime}' is not a field of the input`);
    }
    this.#tagIndexes = this.#keyTags.map((t) => {
      const i = names.indexOf(t);
      if (i < 0) throw optionInvalid(this.#where, `key_tags '${t}' is not a field of the input`);
      return i;
    });
    this.#fieldIndexes = names.map((_, i) => i).filter((i) => i !== this.#timeIndex && !this.#tagIndexes.includes(i));
    if (this.#fieldIndexes.length === 0) throw optionInvalid(this.#where, 'no columns are left for fields');
    if (this.#create && this.#path === 'store') await this.#store.createDatabase(this.#database);
  }

  #time(v: Value): Instant {
    if (typeof v === 'string') {
      const t = parseTime(v, this.#where, 'key_time');
      if (t) return t;
    }
    if (typeof v === 'number' || typeof v === 'bigint') {
      // Epoch in the configured precision, split exactly into ms and ns-within-ms.
      const total = BigInt(v) * BigInt(this.#precision);
      const ms = total / 1_000_000n;
      const rem = total % 1_000_000n;
      return rem < 0n ? instant(Number(ms) - 1, Number(rem + 1_000_000n)) : instant(Number(ms), Number(rem));
    }
    throw connectorFailed(this.#where, `key_time value ${String(v)} is not a time`);
  }

  write(rows: Row[]): void | Promise<void> {
    const fields = this.#schema.fields;
    for (const r of rows) {
      const t = this.#timeIndex >= 0 ? this.#time(r.values[this.#timeIndex]) : instant(Date.now());
      const tags: Tags = {};
      for (const i of this.#tagIndexes) {
        const v = r.values[i];
        if (v !== null && v !== '') tags[fields[i].name] = typeof v === 'string' ? v : String(v);
      }
      const pf: Record<string, FieldValue> = {};
      let any = false;
      for (const i of this.#fieldIndexes) {
        const v = r.values[i];
        if (v === null) continue;
        const kind = fields[i].type.kind;
        pf[fields[i].name] =
          kind === 'tinyint' || kind === 'smallint' || kind === 'int' || kind === 'bigint'
            ? BigInt(v as number | bigint)
            : kind === 'float' || kind === 'double' || kind === 'decimal'
              ? Number(v)
              : typeof v === 'boolean'
                ? v
                : typeof v === 'string'
                  ? v
                  : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
        any = true;
      }
      if (!any) continue;
      this.#pending.push({ database: this.#database, retentionPolicy: this.#rp, name: this.#measurement, tags, fields: pf, timeMs: t.ms, timeNs: t.ns });
    }
    if (this.#pending.length >= this.#batch) return this.#flush();
  }

  async #flush(): Promise<void> {
    const points = this.#pending;
    if (points.length === 0) return;
    this.#pending = [];
    if (this.#path === 'store') {
      await this.#store.write(points);
      return;
    }
    const body = new TextEncoder().encode(points.map((p) => formatPoint(p)).join('\n'));
    await (this.#ctx.services.ingest as IngestFn)({ database: this.#database, retentionPolicy: this.#rp || undefined, precision: 'ns', body });
  }

  async prepareCommit(): Promise<undefined> {
    await this.#flush();
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    this.#pending = [];
  }
  async close(): Promise<void> {
    this.#pending = [];
  }
}

export const seriesStoreSourceFactory: SourceFactory = { kind: 'source', name: 'Inductor', create: (ctx) => new SeriesStoreSource(ctx) };
export const seriesStoreSinkFactory: SinkFactory = { kind: 'sink', name: 'Inductor', create: (ctx) => new SeriesStoreSink(ctx) };
