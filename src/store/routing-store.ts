// A series store that sends each database to its backend: the embedded store by default, a real
// InfluxDB for the databases configured to live there.

import type { Point } from '../core/point.ts';
import { PointBatch } from '../lineproto/point-batch.ts';
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

export class RoutingSeriesStore implements SeriesStore {
  readonly #local: SeriesStore;
  readonly #remotes: ReadonlyMap<string, SeriesStore>;

  /** `remotes` maps a database name to the store that holds it. */
  constructor(local: SeriesStore, remotes: ReadonlyMap<string, SeriesStore>) {
    this.#local = local;
    this.#remotes = remotes;
  }

  #for(database: string): SeriesStore {
    return this.#remotes.get(database) ?? this.#local;
  }

  async listDatabases(): Promise<DatabaseInfo[]> {
    const out = await this.#local.listDatabases();
    for (const [name, store] of this.#remotes) {
      const info = await store.getDatabase(name);
      if (info !== undefined) out.push(info);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  getDatabase(name: string): Promise<DatabaseInfo | undefined> {
    return this.#for(name).getDatabase(name);
  }

  createDatabase(name: string, options?: CreateDatabaseOptions): Promise<DatabaseInfo> {
    return this.#for(name).createDatabase(name, options);
  }

  dropDatabase(name: string): Promise<void> {
    return this.#for(name).dropDatabase(name);
  }

  updateDatabase(name: string, options: DatabaseOptions): Promise<DatabaseInfo> {
    return this.#for(name).updateDatabase(name, options);
  }

  createRetentionPolicy(database: string, spec: RetentionPolicySpec): Promise<RetentionPolicyInfo> {
    return this.#for(database).createRetentionPolicy(database, spec);
  }

  alterRetentionPolicy(database: string, name: string, change: RetentionPolicyChange): Promise<RetentionPolicyInfo> {
    return this.#for(database).alterRetentionPolicy(database, name, change);
  }

  dropRetentionPolicy(database: string, name: string): Promise<void> {
    return this.#for(database).dropRetentionPolicy(database, name);
  }

  /** Points for several backends are written backend by backend (atomic per backend only). */
  async write(points: PointBatch | readonly Point[]): Promise<WriteResult> {
    if (points instanceof PointBatch) return this.#for(points.database).write(points);
    const byStore = new Map<SeriesStore, Point[]>();
    for (const p of points) {
      const s = this.#for(p.database);
      let list = byStore.get(s);
      if (list === undefined) {
        list = [];
        byStore.set(s, list);
      }
      list.push(p);
    }
    let written = 0;
    for (const [s, list] of byStore) written += (await s.write(list)).written;
    return { written };
  }

  listSeries(filter: SeriesFilter): Promise<SeriesInfo[]> {
    return this.#for(filter.database).listSeries(filter);
  }

  async getSeries(id: number): Promise<SeriesInfo | undefined> {
    const local = await this.#local.getSeries(id);
    if (local !== undefined) return local;
    for (const s of new Set(this.#remotes.values())) {
      const info = await s.getSeries(id);
      if (info !== undefined) return info;
    }
    return undefined;
  }

  listMeasurements(filter: SeriesFilter): Promise<string[]> {
    return this.#for(filter.database).listMeasurements(filter);
  }

  listTagKeys(filter: SeriesFilter): Promise<MeasurementValues[]> {
    return this.#for(filter.database).listTagKeys(filter);
  }

  listTagValues(filter: SeriesFilter, key: string | RegExp): Promise<TagValueList[]> {
    return this.#for(filter.database).listTagValues(filter, key);
  }

  listFieldKeys(filter: SeriesFilter): Promise<FieldKeyList[]> {
    return this.#for(filter.database).listFieldKeys(filter);
  }

  scan(request: ScanRequest): AsyncIterable<SeriesChunk> {
    return this.#for(request.database).scan(request);
  }

  async flush(): Promise<void> {
    await this.#local.flush();
    for (const s of new Set(this.#remotes.values())) await s.flush();
  }

  async close(): Promise<void> {
    for (const s of new Set(this.#remotes.values())) await s.close();
    await this.#local.close();
  }
}
