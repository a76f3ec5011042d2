// Builds the series store the server uses from `[storage]`: the embedded store under the data
// directory, InfluxDB for the databases configured there, the /query service and the raw-write sink.

import { join } from 'node:path';
import { type Clock, systemClock } from '../core/time.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';
import { InfluxQueryService } from '../query/influxql/query-service.ts';
import { openEmbeddedStore } from './embedded-store.ts';
import { InfluxHttpStore } from './influx-http-store.ts';
import { nodeDisk } from './node-disk.ts';
import { RawWriteSink } from './raw-write-sink.ts';
import { RoutingSeriesStore } from './routing-store.ts';
import type { SeriesStore } from './series-store.ts';
import { parseStoreConfig } from './store-config.ts';

export interface SeriesStoreRuntime {
  /** The store every service uses (routes each database to its backend). */
  store: SeriesStore;
  /** InfluxQL for /query and batch tasks. */
  queries: InfluxQueryService;
  /** Subscribe `rawWrites.subscriber` to the point router; await `rawWrites.settled(batch)` before answering 204. */
  rawWrites: RawWriteSink;
  close(): Promise<void>;
}

export interface OpenSeriesStoreOptions {
  /** The server's data directory; the store lives in `<dataDir>/series`. */
  dataDir: string;
  /** The raw `[storage]` table (`config.sections.storage`). */
  section: unknown;
  clock?: Clock;
  onRawWriteError?: (err: unknown, batch: PointBatch) => void;
  /** Failures of the embedded store's periodic fsync, snapshots and retention. */
  onBackgroundError?: (err: unknown) => void;
}

/**
 * Wiring in the composition root (checked by test/store-server-durability.test.ts):
 *
 * ```ts
 * const series = await openSeriesStore({ dataDir, section: config.sections.storage, clock });
 * closers.push(() => series.close());
 * router.subscribeAll(series.rawWrites.subscriber);
 * // the /write handler answers 204 only after: await series.rawWrites.settled(batch)
 * await app.register(influxdbApi({ queries: series.queries }));   // GET/POST /query
 * ```
 */
export async function openSeriesStore(options: OpenSeriesStoreOptions): Promise<SeriesStoreRuntime> {
  const config = parseStoreConfig(options.section);
  const clock = options.clock ?? systemClock;
  const local = await openEmbeddedStore({
    dir: join(options.dataDir, 'series'),
    disk: nodeDisk,
    clock,
    fsync: config.fsync,
    fsyncIntervalMs: config.fsyncIntervalMs,
    snapshotIntervalMs: config.snapshotIntervalMs,
    snapshotWalBytes: config.snapshotWalBytes,
    retentionIntervalMs: config.retentionIntervalMs,
    onBackgroundError: options.onBackgroundError,
  });
  const remoteDbs = config.databases.filter((d) => d.backend === 'influxdb');
  const remotes = new Map<string, InfluxHttpStore>();
  if (config.influxdb !== undefined && remoteDbs.length > 0) {
    const raw = new Map(remoteDbs.map((d) => [d.name, d.storeRawWrites]));
    const remote = new InfluxHttpStore({ ...config.influxdb, storeRawWrites: (db) => raw.get(db) ?? false });
    for (const d of remoteDbs) remotes.set(d.name, remote);
  }
  const store = new RoutingSeriesStore(local, remotes);
  for (const d of config.databases) {
    // Created when missing; an existing database takes the configured raw-write choice.
    await store.createDatabase(d.name, { storeRawWrites: d.storeRawWrites });
  }
  const queries = new InfluxQueryService({ store, clock, remoteFor: (db) => remotes.get(db) });
  return { store, queries, rawWrites: new RawWriteSink(store, options.onRawWriteError), close: () => store.close() };
}
