// Stores the raw points of /write for the databases that keep them, and lets the write path wait
// until they are durable before it answers 204.

import type { PointBatch } from '../lineproto/point-batch.ts';
import type { SeriesStore } from './series-store.ts';

/** How long a database's raw-write choice is reused before it is read again (remote stores answer over HTTP). */
const CHOICE_TTL_MS = 1000;

export class RawWriteSink {
  readonly #store: SeriesStore;
  readonly #pending = new WeakMap<PointBatch, Promise<void>>();
  readonly #choices = new Map<string, { keep: boolean; at: number }>();
  #issued: Promise<void> = Promise.resolve();
  readonly #onError: (err: unknown, batch: PointBatch) => void;

  constructor(store: SeriesStore, onError: (err: unknown, batch: PointBatch) => void = () => {}) {
    this.#store = store;
    this.#onError = onError;
  }

  /** A point-router subscriber (`router.subscribeAll(sink.subscriber)`). */
  readonly subscriber = (batch: PointBatch): void => {
    // Writes are issued in arrival order (the choice may take a round trip for remote stores), but
    // each only waits for the previous one to be issued, not stored, so commits still group.
    const decided = this.#keeps(batch.database);
    const issued = this.#issued.then(() => decided).then((keep) => (keep ? { stored: this.#store.write(batch) } : undefined));
    this.#issued = issued.then(
      () => {},
      () => {},
    );
    const done = issued.then(async (w) => {
      await w?.stored;
    });
    // Report failures even when nobody waits; waiters still get the rejection.
    done.catch((err: unknown) => this.#onError(err, batch));
    this.#pending.set(batch, done);
  };

  /**
   * Whether the database kept raw writes when last asked, without asking again (false before the
   * first write to it): a hint for work that pays off only for stored writes.
   */
  keptRecently(database: string): boolean {
    return this.#choices.get(database)?.keep ?? false;
  }

  /** Whether the database keeps raw writes; only existing databases are remembered, briefly. */
  async #keeps(database: string): Promise<boolean> {
    const now = performance.now();
    const cached = this.#choices.get(database);
    if (cached !== undefined && now - cached.at < CHOICE_TTL_MS) return cached.keep;
    const db = await this.#store.getDatabase(database);
    if (db === undefined) {
      this.#choices.delete(database);
      return false;
    }
    this.#choices.set(database, { keep: db.storeRawWrites, at: now });
    return db.storeRawWrites;
  }

  /**
   * Resolves once `batch` is stored as durably as the store's fsync policy promises (immediately
   * when its database does not keep raw writes); rejects with the store's error.
   */
  settled(batch: PointBatch): Promise<void> {
    return this.#pending.get(batch) ?? Promise.resolve();
  }
}
