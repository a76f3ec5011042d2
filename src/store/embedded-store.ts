// The default series store: an in-memory columnar index and data, made durable by a write-ahead
// log with group commit and periodic snapshots, with retention enforced on a timer.

import { crc32 } from 'node:zlib';
import { rawBytes } from '../core/bytes.ts';
import { type Fields, type FieldType, fieldType, type Point, type Tags } from '../core/point.ts';
import { type Clock, DAY, HOUR, systemClock } from '../core/time.ts';
import { formatSeriesKey } from '../lineproto/format.ts';
import { parseLineProtocol } from '../lineproto/parse.ts';
import { PointBatch } from '../lineproto/point-batch.ts';
import { ByteReader, ByteWriter } from './codec.ts';
import { type Column, type FrozenRows, SeriesColumns } from './columns.ts';
import { type Disk, joinPath } from './disk.ts';
import {
  databaseNotFound,
  fieldTypeConflict,
  invalidName,
  retentionPolicyExists,
  retentionPolicyNotFound,
  retentionTooShort,
  storeClosed,
  storeCorrupt,
} from './errors.ts';
import { type FieldLayout, FieldStager, type StagedFields } from './field-layouts.ts';
import type {
  CreateDatabaseOptions,
  DatabaseInfo,
  DatabaseOptions,
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
  TagValueList,
  WriteResult,
} from './series-store.ts';
import { matchMeasurement, matchTags } from './series-store.ts';
import { type FsyncPolicy, WriteAheadLog } from './wal.ts';

/** Periodic work (fsync, snapshots, retention), injected so tests drive it by hand. */
export interface Timers {
  /** Calls `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export interface EmbeddedStoreOptions {
  /** Directory holding `wal/` and `snapshot.bin`. */
  dir: string;
  disk: Disk;
  clock?: Clock;
  timers?: Timers;
  /** Default `always`: a write is acknowledged once it is on stable storage (O_DSYNC, as fdatasync). */
  fsync?: FsyncPolicy;
  /** For the `interval` policy; default 100 ms. */
  fsyncIntervalMs?: number;
  /** Snapshot this often (default 10 minutes; 0 = only on close and by WAL size). */
  snapshotIntervalMs?: number;
  /** Snapshot once the WAL grew by this many bytes since the last snapshot (default 256 MiB). */
  snapshotWalBytes?: number;
  /** Enforce retention this often (default 30 minutes, InfluxDB's check interval). */
  retentionIntervalMs?: number;
  /** Failures of periodic fsync, snapshot and retention work (for the server's log). */
  onBackgroundError?: (err: unknown) => void;
}

interface MeasurementState {
  name: string;
  series: SeriesState[];
  sorted: boolean;
  fieldTypes: Map<string, FieldType>;
}

interface SeriesState {
  info: SeriesInfo;
  data: SeriesColumns;
  measurement: MeasurementState;
  /** The write that last indexed this series, and its index in that write's series table. */
  stamp: number;
  local: number;
  /** The key as a writer last spelled it, and the series its next line named (a guess for look-ups). */
  raw: Uint8Array | undefined;
  follower: SeriesState | undefined;
}

interface RpState {
  info: RetentionPolicyInfo;
  byKey: Map<string, SeriesState>;
  /** Canonical keys and raw keys as they arrived in line protocol (unsorted tags, odd escapes) → series. */
  aliases: Map<string, SeriesState>;
  /** The same by the bytes of raw keys (`PointBatch.seriesKeyHash`), filled as lines arrive: a cache. */
  rawKeys: Map<number, RawKey>;
  measurements: Map<string, MeasurementState>;
}

interface RawKey {
  bytes: Uint8Array;
  state: SeriesState;
  /** Another key with the same hash. */
  next: RawKey | undefined;
}

interface DbState {
  name: string;
  storeRawWrites: boolean;
  defaultRp: string;
  rps: Map<string, RpState>;
}

/** A write decoded into series and rows: what is validated, applied and logged. */
interface WriteGroup {
  db: string;
  rp: string;
  /** Series of the write: known ones by id, new ones by their identity. */
  series: GroupSeries[];
  rowSeries: ArrayLike<number>;
  rowMs: ArrayLike<number>;
  rowNs: ArrayLike<number>;
  rowFields: Fields[];
}

type NewSeries = { id?: undefined; measurement: string; tags: Tags; key: string; alias?: string };

interface ResolvedBatch {
  series: Array<SeriesState | NewSeries>;
  /** Per line, its index in `series`. */
  rowSeries: Int32Array;
}

type GroupSeries =
  | { id: number; measurement: string }
  | { id?: undefined; measurement: string; tags: Tags; key: string; alias?: string };

const OP_CREATE_DB = 1;
const OP_DROP_DB = 2;
const OP_UPDATE_DB = 3;
const OP_CREATE_RP = 4;
const OP_ALTER_RP = 5;
const OP_DROP_RP = 6;
const OP_WRITE = 7;
const OP_RETENTION = 8;
/** A line-protocol write: the request body as received plus the times the parser resolved. */
const OP_WRITE_LINES = 9;

const TYPE_CODES: FieldType[] = ['float', 'integer', 'string', 'boolean'];
const SNAPSHOT_FILE = 'snapshot.bin';
const CLOSE_SNAPSHOT_BYTES = 1024 * 1024;
const SNAPSHOT_MAGIC = 0x31535349; // "ISS1"

/** InfluxDB's shard group duration for a retention duration. */
export function defaultShardGroupDuration(duration: number): number {
  if (duration > 0 && duration < 2 * DAY) return HOUR;
  if (duration > 0 && duration <= 180 * DAY) return DAY;
  return 7 * DAY;
}

export class EmbeddedSeriesStore implements SeriesStore {
  readonly #disk: Disk;
  readonly #dir: string;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #options: EmbeddedStoreOptions;
  readonly #dbs = new Map<string, DbState>();
  readonly #byId = new Map<number, SeriesState>();
  readonly #stager = new FieldStager();
  #nextId = 1;
  #stamp = 0;
  #wal: WriteAheadLog | undefined;
  #walBytes = 0;
  #snapshotting: Promise<void> | undefined;
  #stops: Array<() => void> = [];
  #closed = false;

  private constructor(options: EmbeddedStoreOptions) {
    this.#options = options;
    this.#disk = options.disk;
    this.#dir = options.dir;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? realTimers;
  }

  /** Opens (or creates) a store: loads the snapshot, replays the WAL after it, cuts torn tails. */
  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedSeriesStore> {
    const store = new EmbeddedSeriesStore(options);
    await store.#recover();
    return store;
  }

  async #recover(): Promise<void> {
    await this.#disk.mkdir(this.#dir);
    let covered = 0;
    const snap = await this.#disk.read(joinPath(this.#dir, SNAPSHOT_FILE));
    if (snap !== undefined) covered = this.#loadSnapshot(snap);
    const { wal, recovery } = await WriteAheadLog.open(this.#disk, joinPath(this.#dir, 'wal'), this.#options.fsync ?? 'always', covered);
    this.#wal = wal;
    for (const record of recovery.records) {
      this.#replay(record);
      this.#walBytes += record.length + 8;
    }
    const o = this.#options;
    if ((o.fsync ?? 'always') === 'interval') {
      this.#stops.push(this.#timers.every(o.fsyncIntervalMs ?? 100, () => this.#background(() => wal.syncIfDirty())));
    }
    const snapEvery = o.snapshotIntervalMs ?? 600_000;
    if (snapEvery > 0) this.#stops.push(this.#timers.every(snapEvery, () => this.#background(() => this.snapshot())));
    const retEvery = o.retentionIntervalMs ?? 1_800_000;
    if (retEvery > 0) this.#stops.push(this.#timers.every(retEvery, () => this.#background(() => this.enforceRetention())));
    this.#enforceRetentionNow();
  }

  /** Runs timer-driven work; failures go to `onBackgroundError` (the WAL itself refuses writes after an I/O error). */
  #background(work: () => Promise<void>): void {
    const report = (err: unknown) => this.#options.onBackgroundError?.(err);
    try {
      work().catch(report);
    } catch (err) {
      report(err);
    }
  }

  #open(): WriteAheadLog {
    if (this.#closed || this.#wal === undefined) throw storeClosed();
    return this.#wal;
  }

  /** Logs a record: what `w` holds, followed by the `tail` parts (appended without a copy). */
  #log(w: ByteWriter, tail: readonly Uint8Array[] = []): Promise<void> {
    const bytes = w.finish();
    let length = bytes.length;
    for (const part of tail) length += part.length;
    this.#walBytes += length + 8;
    const done = this.#open().append(tail.length === 0 ? bytes : [bytes, ...tail]);
    if (this.#walBytes >= (this.#options.snapshotWalBytes ?? 256 * 1024 * 1024) && this.#snapshotting === undefined) {
      this.#background(() => this.snapshot());
    }
    return done;
  }

  // ---- databases and retention policies ---------------------------------------------------

  async listDatabases(): Promise<DatabaseInfo[]> {
    return [...this.#dbs.values()].sort((a, b) => cmp(a.name, b.name)).map(dbInfo);
  }

  async getDatabase(name: string): Promise<DatabaseInfo | undefined> {
    const db = this.#dbs.get(name);
    return db === undefined ? undefined : dbInfo(db);
  }

  async createDatabase(name: string, options: CreateDatabaseOptions = {}): Promise<DatabaseInfo> {
    this.#open();
    if (name === '') throw invalidName('database name required');
    const existing = this.#dbs.get(name);
    const spec = options.retentionPolicy;
    if (spec !== undefined) validateSpec(spec);
    if (existing !== undefined) {
      if (spec !== undefined) {
        const rp = existing.rps.get(spec.name);
        if (rp === undefined || !sameSpec(rp.info, spec)) throw retentionPolicyExists();
      }
      if (options.storeRawWrites === undefined || options.storeRawWrites === existing.storeRawWrites) return dbInfo(existing);
      return this.updateDatabase(name, { storeRawWrites: options.storeRawWrites });
    }
    const w = new ByteWriter(128);
    w.u8(OP_CREATE_DB);
    w.str(name);
    w.u8(options.storeRawWrites ? 1 : 0);
    w.u8(spec === undefined ? 0 : 1);
    if (spec !== undefined) writeSpec(w, spec);
    this.#applyCreateDb(name, options.storeRawWrites ?? false, spec);
    await this.#log(w);
    return dbInfo(this.#dbs.get(name) as DbState);
  }

  #applyCreateDb(name: string, storeRaw: boolean, spec: RetentionPolicySpec | undefined): void {
    const db: DbState = { name, storeRawWrites: storeRaw, defaultRp: '', rps: new Map() };
    this.#dbs.set(name, db);
    this.#applyCreateRp(db, spec ?? { name: 'autogen', duration: 0, default: true }, true);
  }

  async dropDatabase(name: string): Promise<void> {
    this.#open();
    const db = this.#dbs.get(name);
    if (db === undefined) return;
    const w = new ByteWriter(64);
    w.u8(OP_DROP_DB);
    w.str(name);
    this.#applyDropDb(name);
    await this.#log(w);
  }

  #applyDropDb(name: string): void {
    const db = this.#dbs.get(name);
    if (db === undefined) return;
    for (const rp of db.rps.values()) this.#forgetRp(rp);
    this.#dbs.delete(name);
  }

  #forgetRp(rp: RpState): void {
    for (const s of rp.byKey.values()) this.#byId.delete(s.info.id);
  }

  async updateDatabase(name: string, options: DatabaseOptions): Promise<DatabaseInfo> {
    this.#open();
    const db = this.#db(name);
    if (options.storeRawWrites !== undefined && options.storeRawWrites !== db.storeRawWrites) {
      const w = new ByteWriter(64);
      w.u8(OP_UPDATE_DB);
      w.str(name);
      w.u8(options.storeRawWrites ? 1 : 0);
      db.storeRawWrites = options.storeRawWrites;
      await this.#log(w);
    }
    return dbInfo(db);
  }

  async createRetentionPolicy(database: string, spec: RetentionPolicySpec): Promise<RetentionPolicyInfo> {
    this.#open();
    const db = this.#db(database);
    validateSpec(spec);
    const existing = db.rps.get(spec.name);
    if (existing !== undefined) {
      if (!sameSpec(existing.info, spec)) throw retentionPolicyExists();
      return { ...existing.info };
    }
    const w = new ByteWriter(128);
    w.u8(OP_CREATE_RP);
    w.str(database);
    writeSpec(w, spec);
    const rp = this.#applyCreateRp(db, spec, false);
    await this.#log(w);
    return { ...rp.info };
  }

  #applyCreateRp(db: DbState, spec: RetentionPolicySpec, first: boolean): RpState {
    const rp: RpState = {
      info: {
        name: spec.name,
        duration: spec.duration,
        shardGroupDuration: spec.shardGroupDuration || defaultShardGroupDuration(spec.duration),
        replication: spec.replication ?? 1,
        default: false,
      },
      byKey: new Map(),
      aliases: new Map(),
      rawKeys: new Map(),
      measurements: new Map(),
    };
    db.rps.set(spec.name, rp);
    if (spec.default || first || db.defaultRp === '') setDefaultRp(db, spec.name);
    return rp;
  }

  async alterRetentionPolicy(database: string, name: string, change: RetentionPolicyChange): Promise<RetentionPolicyInfo> {
    this.#open();
    const db = this.#db(database);
    const rp = db.rps.get(name);
    if (rp === undefined) throw retentionPolicyNotFound(name);
    if (change.duration !== undefined && change.duration !== 0 && change.duration < HOUR) throw retentionTooShort();
    const w = new ByteWriter(128);
    w.u8(OP_ALTER_RP);
    w.str(database);
    w.str(name);
    writeChange(w, change);
    applyChange(db, rp, change);
    await this.#log(w);
    if (change.duration !== undefined) this.#enforceRetentionNow();
    return { ...rp.info };
  }

  async dropRetentionPolicy(database: string, name: string): Promise<void> {
    this.#open();
    const db = this.#db(database);
    if (!db.rps.has(name)) return;
    const w = new ByteWriter(64);
    w.u8(OP_DROP_RP);
    w.str(database);
    w.str(name);
    this.#applyDropRp(db, name);
    await this.#log(w);
  }

  #applyDropRp(db: DbState, name: string): void {
    const rp = db.rps.get(name);
    if (rp === undefined) return;
    this.#forgetRp(rp);
    db.rps.delete(name);
    if (db.defaultRp === name) db.defaultRp = '';
  }

  #db(name: string): DbState {
    const db = this.#dbs.get(name);
    if (db === undefined) throw databaseNotFound(name);
    return db;
  }

  #rp(db: DbState, name: string | undefined): RpState {
    const rpName = name === undefined || name === '' ? db.defaultRp : name;
    const rp = db.rps.get(rpName);
    if (rp === undefined) throw retentionPolicyNotFound(rpName);
    return rp;
  }

  // ---- writes ----------------------------------------------------------------------------------

  async write(points: PointBatch | readonly Point[]): Promise<WriteResult> {
    this.#open();
    if (points instanceof PointBatch) return this.#writeBatch(points);
    const groups = this.#groupsOfPoints(points);
    const introduced = this.#validate(groups);
    let written = 0;
    let rows = 0;
    for (const g of groups) rows += g.rowFields.length;
    // Room for the usual record (times, series index, a few numeric fields) without regrowth.
    const w = new ByteWriter(1024 + rows * 48);
    w.u8(OP_WRITE);
    w.u32(groups.length);
    for (let i = 0; i < groups.length; i++) {
      encodeGroup(w, groups[i]);
      written += this.#applyGroup(groups[i], introduced[i]);
    }
    if (written === 0) return { written };
    await this.#log(w);
    return { written };
  }

  /**
   * A line-protocol write, straight from the request body: series resolved per line, field types
   * checked for the whole write first (all or nothing), then values appended into the columns,
   * and the body itself logged with the times the parser resolved.
   */
  async #writeBatch(batch: PointBatch): Promise<WriteResult> {
    const db = this.#db(batch.database);
    const rp = this.#rp(db, batch.retentionPolicy);
    const n = batch.length;
    if (n === 0) return { written: 0 };
    const resolved = this.#resolveBatch(rp, batch);
    const staged = this.#stager.stage(batch);
    const introduced = validateBatch(rp, batch, resolved, staged);
    this.#applyBatch(db.name, rp, batch, batch.timeMs, batch.timeNs, resolved, staged, introduced);
    const body = batch.body();
    const w = new ByteWriter(64 + db.name.length * 3 + rp.info.name.length * 3);
    w.u8(OP_WRITE_LINES);
    w.str(db.name);
    w.str(rp.info.name);
    w.u32(n);
    const bodyLength = new ByteWriter(4);
    bodyLength.u32(body.length);
    // The times and the body go to the log as they are, without being copied into the record.
    await this.#log(w, [rawBytes(batch.timeMs.subarray(0, n)), rawBytes(batch.timeNs.subarray(0, n)), bodyLength.finish(), body]);
    return { written: n };
  }

  /** The series of each line: known ones by state, new ones by their identity (created on apply). */
  #resolveBatch(rp: RpState, batch: PointBatch): ResolvedBatch {
    const n = batch.length;
    const rowSeries = new Int32Array(n);
    const series: Array<SeriesState | NewSeries> = [];
    // One map look-up per line: known series remember their slot in this write by a stamp.
    const stamp = ++this.#stamp;
    let fresh: Map<string, number> | undefined;
    let previous: SeriesState | undefined;
    for (let i = 0; i < n; i++) {
      // A series already resolved in this write (the parser marks its first line) costs nothing.
      const first = batch.firstLineOfSeries(i);
      if (first !== i) {
        const idx = rowSeries[first];
        rowSeries[i] = idx;
        const s = series[idx];
        previous = 'data' in s ? s : undefined;
        continue;
      }
      // Writers tend to list their series in the same order every time: try the series that
      // followed the previous line's last time, then the index of raw keys, then decode the key.
      let known: SeriesState | undefined;
      const guess = previous?.follower;
      if (guess !== undefined && guess.raw !== undefined && batch.seriesKeyIs(i, guess.raw)) known = guess;
      else {
        const hash = batch.seriesKeyHash(i);
        let bytes: Uint8Array | undefined;
        for (let e = rp.rawKeys.get(hash); e !== undefined; e = e.next) {
          if (batch.seriesKeyIs(i, e.bytes)) {
            known = e.state;
            bytes = e.bytes;
            break;
          }
        }
        if (known === undefined) {
          known = rp.aliases.get(batch.seriesKey(i));
          if (known !== undefined) {
            bytes = batch.seriesKeyBytes(i);
            rp.rawKeys.set(hash, { bytes, state: known, next: rp.rawKeys.get(hash) });
          }
        }
        if (known !== undefined) {
          if (previous !== undefined) previous.follower = known;
          known.raw = bytes;
        }
      }
      previous = known;
      const raw = known === undefined ? batch.seriesKey(i) : '';
      let idx: number;
      if (known !== undefined) {
        if (known.stamp !== stamp) {
          known.stamp = stamp;
          known.local = series.length;
          series.push(known);
        }
        idx = known.local;
      } else {
        fresh ??= new Map();
        const seen = fresh.get(raw);
        if (seen !== undefined) idx = seen;
        else {
          idx = series.length;
          const measurement = batch.measurement(i);
          const tags = batch.tags(i);
          series.push({ measurement, tags, key: formatSeriesKey(measurement, tags), alias: raw });
          fresh.set(raw, idx);
        }
      }
      rowSeries[i] = idx;
    }
    return { series, rowSeries };
  }

  /** Creates the write's new series, records the field types it introduces and appends its rows. */
  #applyBatch(
    db: string,
    rp: RpState,
    batch: PointBatch,
    timeMs: Float64Array,
    timeNs: Int32Array,
    resolved: ResolvedBatch,
    staged: StagedFields,
    introduced: Map<string, Map<string, FieldType>>,
  ): void {
    const states = resolved.series.map((s) => ('data' in s ? s : this.#seriesFor(rp, db, rp.info.name, s)));
    for (const [name, types] of introduced) {
      const m = rp.measurements.get(name);
      if (m !== undefined) for (const [k, t] of types) if (!m.fieldTypes.has(k)) m.fieldTypes.set(k, t);
    }
    // Rows grouped by series, in arrival order within each: one series' arrays are written at a time.
    const rowSeries = resolved.rowSeries;
    const n = batch.length;
    const starts = new Int32Array(states.length + 1);
    for (let i = 0; i < n; i++) starts[rowSeries[i] + 1]++;
    for (let s = 0; s < states.length; s++) starts[s + 1] += starts[s];
    const next = starts.slice(0, states.length);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[rowSeries[i]]++] = i;
    const whole = (i: number) => batch.fields(i);
    for (let s = 0; s < states.length; s++) states[s].data.appendStaged(order, starts[s], starts[s + 1], timeMs, timeNs, staged, whole);
  }

  #groupsOfPoints(points: readonly Point[]): WriteGroup[] {
    type Building = { g: WriteGroup; local: Map<string, number>; rowSeries: number[]; rowMs: number[]; rowNs: number[] };
    const groups = new Map<string, Building>();
    for (const p of points) {
      const db = this.#db(p.database);
      const rp = this.#rp(db, p.retentionPolicy);
      const gk = `${db.name}\n${rp.info.name}`;
      let entry = groups.get(gk);
      if (entry === undefined) {
        const rowSeries: number[] = [];
        const rowMs: number[] = [];
        const rowNs: number[] = [];
        entry = { g: { db: db.name, rp: rp.info.name, series: [], rowSeries, rowMs, rowNs, rowFields: [] }, local: new Map(), rowSeries, rowMs, rowNs };
        groups.set(gk, entry);
      }
      const fields = p.fields;
      if (Object.keys(fields).length === 0) continue;
      const key = formatSeriesKey(p.name, p.tags);
      let idx = entry.local.get(key);
      if (idx === undefined) {
        idx = entry.g.series.length;
        const known = rp.byKey.get(key);
        entry.g.series.push(known !== undefined ? { id: known.info.id, measurement: known.info.measurement } : { measurement: p.name, tags: sortTags(p.tags), key });
        entry.local.set(key, idx);
      }
      entry.rowSeries.push(idx);
      entry.rowMs.push(p.timeMs);
      entry.rowNs.push(p.timeNs);
      entry.g.rowFields.push(fields);
    }
    return [...groups.values()].map((e) => e.g);
  }

  /** Rejects the whole write on the first field whose type differs from the measurement's. */
  /** Returns, per group, the field types the write introduces (per measurement). */
  #validate(groups: WriteGroup[]): Map<string, Map<string, FieldType>>[] {
    const introduced: Map<string, Map<string, FieldType>>[] = [];
    for (const g of groups) {
      const rp = this.#rp(this.#db(g.db), g.rp);
      const seen = new Map<string, Map<string, FieldType>>();
      const knownOf: Array<Map<string, FieldType> | undefined> = [];
      const localOf: Array<Map<string, FieldType>> = [];
      for (const s of g.series) {
        if (s.measurement === '') throw invalidName('measurement name required');
        knownOf.push(rp.measurements.get(s.measurement)?.fieldTypes);
        let local = seen.get(s.measurement);
        if (local === undefined) {
          local = new Map();
          seen.set(s.measurement, local);
        }
        localOf.push(local);
      }
      for (let r = 0; r < g.rowFields.length; r++) {
        const si = g.rowSeries[r];
        const s = g.series[si];
        const known = knownOf[si];
        const local = localOf[si];
        const fields = g.rowFields[r];
        for (const key in fields) {
          const type = fieldType(fields[key]);
          const existing = known?.get(key) ?? local.get(key);
          if (existing === undefined) local.set(key, type);
          else if (existing !== type) throw fieldTypeConflict(key, s.measurement, type, existing);
        }
      }
      introduced.push(seen);
    }
    return introduced;
  }

  /** Applies a validated write (with the types it introduces) or a replayed one (types found per row). */
  #applyGroup(g: WriteGroup, introduced?: Map<string, Map<string, FieldType>>): number {
    const db = this.#dbs.get(g.db);
    const rp = db?.rps.get(g.rp);
    if (rp === undefined) return 0;
    const states: SeriesState[] = g.series.map((s) => {
      if (s.id === undefined) return this.#seriesFor(rp, g.db, g.rp, s);
      const known = this.#byId.get(s.id);
      if (known === undefined) throw storeCorrupt(`write refers to unknown series ${s.id}`);
      return known;
    });
    const n = g.rowFields.length;
    if (introduced !== undefined) {
      for (const st of states) {
        const types = introduced.get(st.measurement.name);
        if (types === undefined || types.size === 0) continue;
        for (const [k, t] of types) if (!st.measurement.fieldTypes.has(k)) st.measurement.fieldTypes.set(k, t);
      }
      for (let r = 0; r < n; r++) states[g.rowSeries[r]].data.write(g.rowMs[r], g.rowNs[r], g.rowFields[r]);
      return n;
    }
    for (let r = 0; r < n; r++) {
      const st = states[g.rowSeries[r]];
      const fields = g.rowFields[r];
      const types = st.measurement.fieldTypes;
      for (const key in fields) if (!types.has(key)) types.set(key, fieldType(fields[key]));
      st.data.write(g.rowMs[r], g.rowNs[r], fields);
    }
    return n;
  }

  #seriesFor(rp: RpState, db: string, rpName: string, s: Extract<GroupSeries, { id?: undefined }>): SeriesState {
    let st = rp.byKey.get(s.key);
    if (st === undefined) {
      let m = rp.measurements.get(s.measurement);
      if (m === undefined) {
        m = { name: s.measurement, series: [], sorted: true, fieldTypes: new Map() };
        rp.measurements.set(s.measurement, m);
      }
      const info: SeriesInfo = Object.freeze({
        id: this.#nextId++,
        database: db,
        retentionPolicy: rpName,
        measurement: s.measurement,
        tags: Object.freeze(sortTags(s.tags)),
        key: s.key,
      });
      st = { info, data: new SeriesColumns(), measurement: m, stamp: 0, local: 0, raw: undefined, follower: undefined };
      this.#addSeries(rp, st);
    }
    if (s.alias !== undefined && s.alias !== s.key) rp.aliases.set(s.alias, st);
    return st;
  }

  #addSeries(rp: RpState, st: SeriesState): void {
    rp.byKey.set(st.info.key, st);
    rp.aliases.set(st.info.key, st);
    const m = st.measurement;
    if (m.series.length > 0 && cmp(m.series[m.series.length - 1].info.key, st.info.key) > 0) m.sorted = false;
    m.series.push(st);
    this.#byId.set(st.info.id, st);
  }

  // ---- replay ------------------------------------------------------------------------------

  #replay(record: Buffer): void {
    const r = new ByteReader(record);
    const op = r.u8();
    switch (op) {
      case OP_CREATE_DB: {
        const name = r.str();
        const storeRaw = r.u8() === 1;
        const spec = r.u8() === 1 ? readSpec(r) : undefined;
        if (!this.#dbs.has(name)) this.#applyCreateDb(name, storeRaw, spec);
        return;
      }
      case OP_DROP_DB:
        this.#applyDropDb(r.str());
        return;
      case OP_UPDATE_DB: {
        const db = this.#dbs.get(r.str());
        const raw = r.u8() === 1;
        if (db !== undefined) db.storeRawWrites = raw;
        return;
      }
      case OP_CREATE_RP: {
        const db = this.#dbs.get(r.str());
        const spec = readSpec(r);
        if (db !== undefined && !db.rps.has(spec.name)) this.#applyCreateRp(db, spec, false);
        return;
      }
      case OP_ALTER_RP: {
        const db = this.#dbs.get(r.str());
        const rp = db?.rps.get(r.str());
        const change = readChange(r);
        if (db !== undefined && rp !== undefined) applyChange(db, rp, change);
        return;
      }
      case OP_DROP_RP: {
        const db = this.#dbs.get(r.str());
        const name = r.str();
        if (db !== undefined) this.#applyDropRp(db, name);
        return;
      }
      case OP_WRITE: {
        const n = r.u32();
        for (let i = 0; i < n; i++) this.#applyGroup(decodeGroup(r));
        return;
      }
      case OP_WRITE_LINES: {
        const db = this.#dbs.get(r.str());
        const rp = db?.rps.get(r.str());
        const n = r.u32();
        const timeMs = r.f64s(n);
        const timeNs = r.i32s(n);
        const body = r.bytes(r.u32());
        if (db === undefined || rp === undefined) return;
        // The parser is deterministic, so the body decodes to the lines that were validated and
        // acknowledged; the times are the ones it resolved then (precision, `now`).
        const batch = parseLineProtocol(body, { database: db.name, retentionPolicy: rp.info.name, precision: 'n', now: { ms: 0, ns: 0 } });
        if (batch.length !== n) throw storeCorrupt(`logged write has ${batch.length} lines, expected ${n}`);
        // Replayed exactly as it was applied: it passed validation then, against the same state.
        const resolved = this.#resolveBatch(rp, batch);
        const staged = this.#stager.stage(batch);
        this.#applyBatch(db.name, rp, batch, timeMs, timeNs, resolved, staged, validateBatch(rp, batch, resolved, staged));
        return;
      }
      case OP_RETENTION: {
        const db = this.#dbs.get(r.str());
        const rp = db?.rps.get(r.str());
        const ms = r.f64();
        const ns = r.i32();
        if (rp !== undefined) this.#trim(rp, ms, ns);
        return;
      }
      default:
        throw storeCorrupt(`unknown WAL record type ${op}`);
    }
  }

  // ---- series index ------------------------------------------------------------------------

  /** The retention policies a filter addresses: one when named, else all (index) or the default (scan). */
  #rpsFor(filter: SeriesFilter, forScan: boolean): RpState[] {
    const db = this.#db(filter.database);
    if (filter.retentionPolicy !== undefined && filter.retentionPolicy !== '') return [this.#rp(db, filter.retentionPolicy)];
    if (forScan) return [this.#rp(db, '')];
    return [...db.rps.values()];
  }

  *#matching(filter: SeriesFilter, forScan: boolean): Generator<SeriesState> {
    for (const rp of this.#rpsFor(filter, forScan)) {
      const names =
        typeof filter.measurement === 'string' ? [filter.measurement] : [...rp.measurements.keys()].sort(cmp);
      for (const name of names) {
        if (!matchMeasurement(filter.measurement, name)) continue;
        const m = rp.measurements.get(name);
        if (m === undefined) continue;
        if (!m.sorted) {
          m.series.sort((a, b) => cmp(a.info.key, b.info.key));
          m.sorted = true;
        }
        for (const s of m.series) if (matchTags(filter.tags, s.info.tags)) yield s;
      }
    }
  }

  async listSeries(filter: SeriesFilter): Promise<SeriesInfo[]> {
    const out = [...this.#matching(filter, false)].map((s) => s.info);
    return out.sort((a, b) => cmp(a.key, b.key) || cmp(a.retentionPolicy, b.retentionPolicy));
  }

  async getSeries(id: number): Promise<SeriesInfo | undefined> {
    return this.#byId.get(id)?.info;
  }

  async listMeasurements(filter: SeriesFilter): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.#matching(filter, false)) names.add(s.info.measurement);
    return [...names].sort(cmp);
  }

  async listTagKeys(filter: SeriesFilter): Promise<MeasurementValues[]> {
    const byM = new Map<string, Set<string>>();
    for (const s of this.#matching(filter, false)) {
      let keys = byM.get(s.info.measurement);
      if (keys === undefined) {
        keys = new Set();
        byM.set(s.info.measurement, keys);
      }
      for (const k in s.info.tags) keys.add(k);
    }
    return [...byM.keys()].sort(cmp).map((measurement) => ({ measurement, values: [...(byM.get(measurement) as Set<string>)].sort(cmp) }));
  }

  async listTagValues(filter: SeriesFilter, key: string | RegExp): Promise<TagValueList[]> {
    const byM = new Map<string, Map<string, { key: string; value: string }>>();
    for (const s of this.#matching(filter, false)) {
      let pairs = byM.get(s.info.measurement);
      if (pairs === undefined) {
        pairs = new Map();
        byM.set(s.info.measurement, pairs);
      }
      for (const k in s.info.tags) {
        if (typeof key === 'string' ? k !== key : !key.test(k)) continue;
        const value = s.info.tags[k];
        pairs.set(`${k}\n${value}`, { key: k, value });
      }
    }
    const out: TagValueList[] = [];
    for (const measurement of [...byM.keys()].sort(cmp)) {
      const values = [...(byM.get(measurement) as Map<string, { key: string; value: string }>).values()];
      if (values.length === 0) continue;
      values.sort((a, b) => cmp(a.key, b.key) || cmp(a.value, b.value));
      out.push({ measurement, values });
    }
    return out;
  }

  async listFieldKeys(filter: SeriesFilter): Promise<FieldKeyList[]> {
    const byM = new Map<string, Map<string, FieldType>>();
    for (const rp of this.#rpsFor(filter, false)) {
      for (const [name, m] of rp.measurements) {
        if (!matchMeasurement(filter.measurement, name)) continue;
        if (filter.tags !== undefined && !m.series.some((s) => matchTags(filter.tags, s.info.tags))) continue;
        let types = byM.get(name);
        if (types === undefined) {
          types = new Map();
          byM.set(name, types);
        }
        for (const [k, t] of m.fieldTypes) if (!types.has(k)) types.set(k, t);
      }
    }
    return [...byM.keys()]
      .sort(cmp)
      .map((measurement) => {
        const types = byM.get(measurement) as Map<string, FieldType>;
        return { measurement, fields: [...types.keys()].sort(cmp).map((key) => ({ key, type: types.get(key) as FieldType })) };
      })
      .filter((f) => f.fields.length > 0);
  }

  // ---- scans ---------------------------------------------------------------------------------

  async *scan(request: ScanRequest): AsyncIterable<SeriesChunk> {
    this.#open();
    const only = request.fields === undefined ? undefined : new Set(request.fields);
    // Collect first: the generator must not observe series added by writes while it is paused.
    const series = [...this.#matching(request, true)];
    series.sort((a, b) => cmp(a.info.key, b.info.key));
    for (const s of series) {
      const chunk = this.#chunkOf(s, request, only);
      if (chunk !== undefined) yield chunk;
    }
  }

  #chunkOf(s: SeriesState, request: ScanRequest, only: ReadonlySet<string> | undefined): SeriesChunk | undefined {
    const data = s.data;
    data.compact();
    const lo = request.start === undefined ? 0 : data.lowerBound(request.start.ms, request.start.ns);
    const hi = request.end === undefined ? data.length : data.lowerBound(request.end.ms, request.end.ns);
    if (hi <= lo) return undefined;
    const fields = data.view(lo, hi, only);
    if (fields.size === 0) return undefined;
    return {
      series: s.info,
      length: hi - lo,
      timeMs: data.timeMs.subarray(lo, hi),
      timeNs: data.timeNs.subarray(lo, hi),
      fields,
    };
  }

  // ---- retention, snapshots, lifecycle -------------------------------------------------------

  /** Drops points older than each policy's duration; logged so that replay drops the same. */
  async enforceRetention(): Promise<void> {
    if (this.#closed) return;
    await Promise.all(this.#enforceRetentionNow());
  }

  #enforceRetentionNow(): Promise<void>[] {
    const now = this.#clock.now();
    const done: Promise<void>[] = [];
    for (const db of this.#dbs.values()) {
      for (const rp of db.rps.values()) {
        if (rp.info.duration <= 0 || rp.byKey.size === 0) continue;
        // Like InfluxDB, retention works in whole shard groups: data goes once its group has expired.
        const sgdMs = Math.max(1, Math.round(rp.info.shardGroupDuration / 1e6));
        const cutMs = Math.floor((now.ms - rp.info.duration / 1e6) / sgdMs) * sgdMs;
        const w = new ByteWriter(64);
        w.u8(OP_RETENTION);
        w.str(db.name);
        w.str(rp.info.name);
        w.f64(cutMs);
        w.i32(0);
        if (this.#trim(rp, cutMs, 0) > 0) done.push(this.#log(w));
      }
    }
    return done;
  }

  #trim(rp: RpState, ms: number, ns: number): number {
    let dropped = 0;
    for (const [key, st] of rp.byKey) {
      dropped += st.data.trimBefore(ms, ns);
      if (st.data.rowCount > 0) continue;
      rp.byKey.delete(key);
      this.#byId.delete(st.info.id);
      const m = st.measurement;
      m.series = m.series.filter((x) => x !== st);
      if (m.series.length === 0) rp.measurements.delete(m.name);
    }
    if (dropped > 0) {
      for (const [alias, st] of rp.aliases) if (rp.byKey.get(st.info.key) !== st) rp.aliases.delete(alias);
      rp.rawKeys.clear();
      for (const st of rp.byKey.values()) st.follower = undefined;
    }
    return dropped;
  }

  /** Writes a snapshot of everything and deletes the WAL segments it covers. */
  snapshot(): Promise<void> {
    if (this.#snapshotting !== undefined) return this.#snapshotting;
    const wal = this.#open();
    // Rotation and capture happen in the same synchronous step, so the snapshot covers exactly
    // the segments up to `covered`; the captured rows are encoded afterwards, a slice per turn of
    // the event loop, while writes go on.
    const covered = wal.rotate();
    const parts = this.#captureSnapshot(covered);
    this.#walBytes = 0;
    this.#snapshotting = (async () => {
      try {
        const bytes = await encodeSnapshot(parts);
        await this.#disk.writeAtomic(joinPath(this.#dir, SNAPSHOT_FILE), bytes);
        await wal.removeThrough(covered);
      } finally {
        this.#snapshotting = undefined;
      }
    })();
    return this.#snapshotting;
  }

  async flush(): Promise<void> {
    const wal = this.#open();
    await wal.syncIfDirty();
  }

  /** Stops timers and closes the WAL; a WAL past 1 MiB is folded into a snapshot first, so the next open is quick. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const stop of this.#stops) stop();
    if (this.#snapshotting !== undefined) await this.#snapshotting;
    if (this.#walBytes > CLOSE_SNAPSHOT_BYTES) await this.snapshot();
    await this.#wal?.close();
    this.#closed = true;
  }

  /** Points held, including rows waiting for compaction (for stats and benchmarks). */
  get pointCount(): number {
    let n = 0;
    for (const s of this.#byId.values()) n += s.data.rowCount;
    return n;
  }

  /**
   * Everything the snapshot holds, in file order: the small metadata already encoded, each series
   * as its captured rows (O(series) now, the copying later in `encodeSnapshot`).
   */
  #captureSnapshot(covered: number): SnapshotPart[] {
    const parts: SnapshotPart[] = [];
    let w = new ByteWriter(1 << 12);
    const cut = () => {
      if (w.length > 0) parts.push(w.finish());
      w = new ByteWriter(1 << 12);
    };
    w.u32(SNAPSHOT_MAGIC);
    w.f64(covered);
    w.f64(this.#nextId);
    w.u32(this.#dbs.size);
    for (const db of this.#dbs.values()) {
      w.str(db.name);
      w.u8(db.storeRawWrites ? 1 : 0);
      w.str(db.defaultRp);
      w.u32(db.rps.size);
      for (const rp of db.rps.values()) {
        writeSpec(w, { ...rp.info, default: false });
        w.u32(rp.measurements.size);
        for (const m of rp.measurements.values()) {
          w.str(m.name);
          w.u32(m.fieldTypes.size);
          for (const [k, t] of m.fieldTypes) {
            w.str(k);
            w.u8(TYPE_CODES.indexOf(t));
          }
          w.u32(m.series.length);
          cut();
          for (const s of m.series) parts.push({ info: s.info, rows: s.data.freeze() });
        }
      }
    }
    cut();
    return parts;
  }

  #loadSnapshot(buf: Buffer): number {
    if (buf.length < 4 || crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) {
      // writeAtomic never leaves a half-written snapshot in place; a bad checksum is real damage.
      throw storeCorrupt('snapshot checksum mismatch');
    }
    const r = new ByteReader(buf, 0, buf.length - 4);
    if (r.u32() !== SNAPSHOT_MAGIC) throw storeCorrupt('not a snapshot');
    const covered = r.f64();
    this.#nextId = r.f64();
    const nDb = r.u32();
    for (let d = 0; d < nDb; d++) {
      const db: DbState = { name: r.str(), storeRawWrites: r.u8() === 1, defaultRp: r.str(), rps: new Map() };
      this.#dbs.set(db.name, db);
      const nRp = r.u32();
      for (let p = 0; p < nRp; p++) {
        const spec = readSpec(r);
        const rp: RpState = {
          info: {
            name: spec.name,
            duration: spec.duration,
            shardGroupDuration: spec.shardGroupDuration ?? 0,
            replication: spec.replication ?? 1,
            default: spec.name === db.defaultRp,
          },
          byKey: new Map(),
          aliases: new Map(),
          rawKeys: new Map(),
          measurements: new Map(),
        };
        db.rps.set(spec.name, rp);
        const nM = r.u32();
        for (let mi = 0; mi < nM; mi++) {
          const m: MeasurementState = { name: r.str(), series: [], sorted: false, fieldTypes: new Map() };
          rp.measurements.set(m.name, m);
          const nT = r.u32();
          for (let t = 0; t < nT; t++) m.fieldTypes.set(r.str(), TYPE_CODES[r.u8()]);
          const nS = r.u32();
          for (let si = 0; si < nS; si++) this.#addSeries(rp, decodeSeries(r, db.name, rp.info.name, m));
        }
      }
    }
    return covered;
  }
}

/** Opens the embedded store; the composition root passes `nodeDisk` and a directory. */
export function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedSeriesStore> {
  return EmbeddedSeriesStore.open(options);
}

// ---- helpers ----------------------------------------------------------------------------------

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


function dbInfo(db: DbState): DatabaseInfo {
  const rps = [...db.rps.values()].map((rp) => ({ ...rp.info, default: rp.info.name === db.defaultRp }));
  return { name: db.name, storeRawWrites: db.storeRawWrites, defaultRetentionPolicy: db.defaultRp, retentionPolicies: rps };
}

function setDefaultRp(db: DbState, name: string): void {
  db.defaultRp = name;
  for (const rp of db.rps.values()) rp.info.default = rp.info.name === name;
}

function validateSpec(spec: RetentionPolicySpec): void {
  if (spec.name === '') throw invalidName('retention policy name required');
  if (spec.duration !== 0 && spec.duration < HOUR) throw retentionTooShort();
}

function sameSpec(info: RetentionPolicyInfo, spec: RetentionPolicySpec): boolean {
  return (
    info.duration === spec.duration &&
    (spec.shardGroupDuration === undefined || spec.shardGroupDuration === 0 || spec.shardGroupDuration === info.shardGroupDuration) &&
    (spec.replication ?? 1) === info.replication
  );
}

function applyChange(db: DbState, rp: RpState, change: RetentionPolicyChange): void {
  if (change.duration !== undefined) rp.info.duration = change.duration;
  if (change.shardGroupDuration !== undefined) rp.info.shardGroupDuration = change.shardGroupDuration;
  if (change.replication !== undefined) rp.info.replication = change.replication;
  if (change.default) setDefaultRp(db, rp.info.name);
}

function writeSpec(w: ByteWriter, spec: RetentionPolicySpec): void {
  w.str(spec.name);
  w.f64(spec.duration);
  w.f64(spec.shardGroupDuration ?? 0);
  w.u32(spec.replication ?? 1);
  w.u8(spec.default ? 1 : 0);
}

function readSpec(r: ByteReader): RetentionPolicySpec {
  return { name: r.str(), duration: r.f64(), shardGroupDuration: r.f64(), replication: r.u32(), default: r.u8() === 1 };
}

function writeChange(w: ByteWriter, c: RetentionPolicyChange): void {
  w.u8((c.duration !== undefined ? 1 : 0) | (c.shardGroupDuration !== undefined ? 2 : 0) | (c.replication !== undefined ? 4 : 0) | (c.default ? 8 : 0));
  w.f64(c.duration ?? 0);
  w.f64(c.shardGroupDuration ?? 0);
  w.u32(c.replication ?? 0);
}

function readChange(r: ByteReader): RetentionPolicyChange {
  const flags = r.u8();
  const duration = r.f64();
  const sgd = r.f64();
  const replication = r.u32();
  const c: RetentionPolicyChange = {};
  if (flags & 1) c.duration = duration;
  if (flags & 2) c.shardGroupDuration = sgd;
  if (flags & 4) c.replication = replication;
  if (flags & 8) c.default = true;
  return c;
}

function sortTags(tags: Tags): Tags {
  const out: Tags = {};
  for (const k of Object.keys(tags).sort()) out[k] = tags[k];
  return out;
}


/**
 * Rejects the whole write on the first field whose type differs from the measurement's; returns
 * the field types the write introduces, per measurement. A line with the measurement and layout of
 * the line before it needs no look-up: types once accepted never change within a write.
 */
function validateBatch(rp: RpState, batch: PointBatch, resolved: ResolvedBatch, staged: StagedFields): Map<string, Map<string, FieldType>> {
  const seen = new Map<string, Map<string, FieldType>>();
  const nameOf: string[] = [];
  const knownOf: Array<Map<string, FieldType> | undefined> = [];
  const localOf: Array<Map<string, FieldType>> = [];
  for (const s of resolved.series) {
    const name = 'data' in s ? s.measurement.name : s.measurement;
    if (name === '') throw invalidName('measurement name required');
    nameOf.push(name);
    knownOf.push('data' in s ? s.measurement.fieldTypes : rp.measurements.get(name)?.fieldTypes);
    let local = seen.get(name);
    if (local === undefined) {
      local = new Map();
      seen.set(name, local);
    }
    localOf.push(local);
  }
  const rowSeries = resolved.rowSeries;
  const layouts = staged.layouts;
  let checkedName: string | undefined;
  let checked: FieldLayout | undefined;
  for (let i = 0; i < batch.length; i++) {
    const si = rowSeries[i];
    const layout = layouts[i];
    if (layout === checked && nameOf[si] === checkedName) continue;
    const known = knownOf[si];
    const local = localOf[si];
    if (layout.duplicates) {
      // Only the last value of a key counts, as in `fields()`.
      const fields = batch.fields(i);
      for (const key in fields) checkType(known, local, key, fieldType(fields[key]), batch, i);
      checked = undefined;
      continue;
    }
    for (let k = 0; k < layout.keys.length; k++) checkType(known, local, layout.keys[k], layout.types[k], batch, i);
    checked = layout;
    checkedName = nameOf[si];
  }
  return seen;
}

function checkType(known: Map<string, FieldType> | undefined, local: Map<string, FieldType>, key: string, type: FieldType, batch: PointBatch, i: number): void {
  const existing = known?.get(key) ?? local.get(key);
  if (existing === undefined) local.set(key, type);
  else if (existing !== type) throw fieldTypeConflict(key, batch.measurement(i), type, existing);
}

const KIND_ABSENT = 0;
const KIND_FLOAT = 1;
const KIND_INT = 2;
const KIND_STRING = 3;
const KIND_FALSE = 4;
const KIND_TRUE = 5;

/** One field key's values over the rows of a write, as columns (what the WAL stores). */
class KeyColumn {
  readonly kinds: Uint8Array;
  floats: Float64Array | undefined;
  ints: BigInt64Array | undefined;
  strings: string[] | undefined;
  constructor(n: number) {
    this.kinds = new Uint8Array(n);
  }
}

/**
 * A write in the WAL: series already known go by id (replay assigns ids in the same order, so they
 * resolve), new ones by identity; times and series indices as raw typed arrays; each field key as
 * a column of per-row kinds plus its values, so encoding is bulk copies rather than per-value calls.
 */
function encodeGroup(w: ByteWriter, g: WriteGroup): void {
  w.str(g.db);
  w.str(g.rp);
  w.u32(g.series.length);
  for (const s of g.series) {
    if (s.id !== undefined) {
      w.u8(0);
      w.f64(s.id);
      continue;
    }
    w.u8(1);
    w.str(s.measurement);
    encodeTags(w, s.tags);
    w.str(s.key);
  }
  const n = g.rowFields.length;
  w.u32(n);
  w.typed(g.rowSeries instanceof Int32Array ? g.rowSeries : Int32Array.from(g.rowSeries));
  w.typed(g.rowMs instanceof Float64Array ? g.rowMs.subarray(0, n) : Float64Array.from(g.rowMs));
  w.typed(g.rowNs instanceof Int32Array ? g.rowNs.subarray(0, n) : Int32Array.from(g.rowNs));
  const columns = new Map<string, KeyColumn>();
  for (let r = 0; r < n; r++) {
    const fields = g.rowFields[r];
    for (const key in fields) {
      let col = columns.get(key);
      if (col === undefined) {
        col = new KeyColumn(n);
        columns.set(key, col);
      }
      const v = fields[key];
      switch (typeof v) {
        case 'number':
          col.kinds[r] = KIND_FLOAT;
          (col.floats ??= new Float64Array(n))[r] = v;
          break;
        case 'bigint':
          col.kinds[r] = KIND_INT;
          (col.ints ??= new BigInt64Array(n))[r] = v;
          break;
        case 'string':
          col.kinds[r] = KIND_STRING;
          (col.strings ??= [])[r] = v;
          break;
        default:
          col.kinds[r] = v ? KIND_TRUE : KIND_FALSE;
      }
    }
  }
  w.u32(columns.size);
  for (const [key, col] of columns) {
    w.str(key);
    w.typed(col.kinds);
    w.u8((col.floats ? 1 : 0) | (col.ints ? 2 : 0) | (col.strings ? 4 : 0));
    if (col.floats) w.typed(col.floats);
    if (col.ints) w.typed(col.ints);
    if (col.strings) for (let r = 0; r < n; r++) if (col.kinds[r] === KIND_STRING) w.str(col.strings[r]);
  }
}

function decodeGroup(r: ByteReader): WriteGroup {
  const db = r.str();
  const rp = r.str();
  const series: GroupSeries[] = [];
  const nS = r.u32();
  for (let i = 0; i < nS; i++) {
    if (r.u8() === 0) {
      series.push({ id: r.f64(), measurement: '' });
      continue;
    }
    const measurement = r.str();
    const tags = decodeTags(r);
    series.push({ measurement, tags, key: r.str() });
  }
  const n = r.u32();
  const rowSeries = r.i32s(n);
  const rowMs = r.f64s(n);
  const rowNs = r.i32s(n);
  const rowFields = new Array<Fields>(n);
  for (let i = 0; i < n; i++) rowFields[i] = {};
  const nK = r.u32();
  for (let k = 0; k < nK; k++) {
    const key = r.str();
    const kinds = r.bytes(n);
    const has = r.u8();
    const floats = has & 1 ? r.f64s(n) : undefined;
    const ints = has & 2 ? r.i64s(n) : undefined;
    for (let i = 0; i < n; i++) {
      switch (kinds[i]) {
        case KIND_ABSENT:
          break;
        case KIND_FLOAT:
          rowFields[i][key] = (floats as Float64Array)[i];
          break;
        case KIND_INT:
          rowFields[i][key] = (ints as BigInt64Array)[i];
          break;
        case KIND_STRING:
          rowFields[i][key] = r.str();
          break;
        default:
          rowFields[i][key] = kinds[i] === KIND_TRUE;
      }
    }
  }
  return { db, rp, series, rowSeries, rowMs, rowNs, rowFields };
}

/** A piece of a snapshot: bytes already encoded, or a series to encode. */
type SnapshotPart = Uint8Array | { info: SeriesInfo; rows: FrozenRows };

/** Bytes of series encoded per turn of the event loop. */
const SNAPSHOT_SLICE_BYTES = 8 * 1024 * 1024;

function seriesBytes(rows: FrozenRows): number {
  return 256 + rows.length * (13 + 9 * rows.columns.length);
}

/** The snapshot file's chunks (ending with the CRC-32 of all before it), yielding between slices. */
async function encodeSnapshot(parts: SnapshotPart[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  let sum = 0;
  const emit = (bytes: Uint8Array) => {
    out.push(bytes);
    sum = crc32(bytes, sum);
  };
  for (let p = 0; p < parts.length; ) {
    const part = parts[p];
    if (part instanceof Uint8Array) {
      emit(part);
      p++;
      continue;
    }
    // The series up to the next slice boundary, into one buffer sized for them.
    let end = p;
    let estimate = 0;
    while (end < parts.length && !(parts[end] instanceof Uint8Array) && (end === p || estimate < SNAPSHOT_SLICE_BYTES)) {
      estimate += seriesBytes((parts[end] as { rows: FrozenRows }).rows);
      end++;
    }
    const w = new ByteWriter(estimate);
    for (let q = p; q < end; q++) {
      const s = parts[q] as { info: SeriesInfo; rows: FrozenRows };
      encodeSeries(w, s.info, s.rows);
    }
    emit(w.finish());
    p = end;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const trailer = Buffer.allocUnsafe(4);
  trailer.writeUInt32LE(sum, 0);
  out.push(trailer);
  return out;
}

/** A tag set in WAL records and snapshots: the count, then each key and value. */
function encodeTags(w: ByteWriter, tags: Tags): void {
  const keys = Object.keys(tags);
  w.u32(keys.length);
  for (const k of keys) {
    w.str(k);
    w.str(tags[k]);
  }
}

function decodeTags(r: ByteReader): Tags {
  const tags: Tags = {};
  const n = r.u32();
  for (let t = 0; t < n; t++) tags[r.str()] = r.str();
  return tags;
}

function encodeSeries(w: ByteWriter, info: SeriesInfo, rows: FrozenRows): void {
  w.f64(info.id);
  encodeTags(w, info.tags);
  w.str(info.key);
  const n = rows.length;
  w.u32(n);
  w.typed(rows.timeMs.subarray(0, n));
  w.typed(rows.timeNs.subarray(0, n));
  w.u32(rows.columns.length);
  for (const col of rows.columns) {
    w.str(col.key);
    w.u8(TYPE_CODES.indexOf(col.type));
    w.u8(col.valid === undefined ? 0 : 1);
    if (col.valid !== undefined) w.typed(col.valid.subarray(0, n));
    if (col.type === 'string') {
      const values = col.values as string[];
      for (let i = 0; i < n; i++) w.str(values[i] ?? '');
    } else {
      w.typed((col.values as Float64Array).subarray(0, n));
    }
  }
}

function decodeSeries(r: ByteReader, db: string, rp: string, m: MeasurementState): SeriesState {
  const id = r.f64();
  const tags = decodeTags(r);
  const key = r.str();
  const n = r.u32();
  const timeMs = r.f64s(n);
  const timeNs = r.i32s(n);
  const columns = new Map<string, Column>();
  const nC = r.u32();
  for (let c = 0; c < nC; c++) {
    const k = r.str();
    const type = TYPE_CODES[r.u8()];
    const valid = r.u8() === 1 ? r.bytes(n) : undefined;
    let values: Column['values'];
    if (type === 'string') {
      const strings: string[] = [];
      for (let i = 0; i < n; i++) strings.push(r.str());
      values = strings;
    } else if (type === 'float') values = r.f64s(n);
    else if (type === 'integer') values = r.i64s(n);
    else values = r.bytes(n);
    columns.set(k, { type, values, valid, words: undefined });
  }
  const info: SeriesInfo = Object.freeze({ id, database: db, retentionPolicy: rp, measurement: m.name, tags: Object.freeze(tags), key });
  return { info, data: SeriesColumns.restore(n, timeMs, timeNs, columns), measurement: m, stamp: 0, local: 0, raw: undefined, follower: undefined };
}
