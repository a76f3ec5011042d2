// influxDBOut into the embedded series store: creates the database on demand, then appends.

import type { Point } from '../../core/point.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import type { PointWriter, WriteOptions } from './point-writer.ts';

export class SeriesStoreWriter implements PointWriter {
  readonly #known = new Set<string>();

  constructor(private readonly store: SeriesStore) {}

  async write(points: readonly Point[], options: WriteOptions): Promise<void> {
    if (points.length === 0) return;
    if (options.create) {
      for (const p of points) {
        if (this.#known.has(p.database)) continue;
        if ((await this.store.getDatabase(p.database)) === undefined) await this.store.createDatabase(p.database);
        this.#known.add(p.database);
      }
    }
    await this.store.write(points);
  }
}
