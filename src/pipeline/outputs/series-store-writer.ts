// influxDBOut into the embedded series store: creates the database and retention policy on demand, then appends.

import type { Point } from '../../core/point.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import type { PointWriter, WriteOptions } from './point-writer.ts';

export class SeriesStoreWriter implements PointWriter {
  /** `db\0rp` pairs known to exist. */
  readonly #known = new Set<string>();

  constructor(private readonly store: SeriesStore) {}

  async write(points: readonly Point[], options: WriteOptions): Promise<void> {
    if (points.length === 0) return;
    if (options.create) {
      for (const p of points) {
        const key = `${p.database}\u0000${p.retentionPolicy}`;
        if (this.#known.has(key)) continue;
        await this.#create(p.database, p.retentionPolicy);
        this.#known.add(key);
      }
    }
    await this.store.write(points);
  }

  /** Kapacitor's `CREATE DATABASE db WITH NAME rp`: the policy (kept forever) becomes the default of a new database. */
  async #create(database: string, rp: string): Promise<void> {
    const info = await this.store.getDatabase(database);
    if (info === undefined) {
      await this.store.createDatabase(database, rp === '' ? undefined : { retentionPolicy: { name: rp, duration: 0, default: true } });
    } else if (rp !== '' && !info.retentionPolicies.some((r) => r.name === rp)) {
      await this.store.createRetentionPolicy(database, { name: rp, duration: 0 });
    }
  }
}
