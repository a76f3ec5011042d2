// Stores the raw points of /write for the databases that keep them, and lets the write path wait
// until they are durable before it answers 204.

import type { PointBatch } from '../lineproto/point-batch.ts';
import type { SeriesStore } from './series-store.ts';

export class RawWriteSink {
  readonly #store: SeriesStore;
  readonly #pending = new WeakMap<PointBatch, Promise<void>>();
  readonly #onError: (err: unknown, batch: PointBatch) => void;

  constructor(store: SeriesStore, onError: (err: unknown, batch: PointBatch) => void = () => {}) {
    this.#store = store;
    this.#onError = onError;
  }

  /** A point-router subscriber (`router.subscribeAll(sink.subscriber)`). */
  readonly subscriber = (batch: PointBatch): void => {
    const done = this.#store.getDatabase(batch.database).then(async (db) => {
      if (db?.storeRawWrites) await this.#store.write(batch);
    });
    // Report failures even when nobody waits; waiters still get the rejection.
    done.catch((err: unknown) => this.#onError(err, batch));
    this.#pending.set(batch, done);
  };

  /**
   * Resolves once `batch` is stored as durably as the store's fsync policy promises (immediately
   * when its database does not keep raw writes); rejects with the store's error.
   */
  settled(batch: PointBatch): Promise<void> {
    return this.#pending.get(batch) ?? Promise.resolve();
  }
}
