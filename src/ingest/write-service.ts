// Accepts line-protocol writes: parse all-or-nothing, then route to subscribers.

import { defineError } from '../core/errors.ts';
import type { Clock } from '../core/time.ts';
import { LineProtocolError } from '../lineproto/errors.ts';
import { type ParseOptions, parseLineProtocol } from '../lineproto/parse.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';
import { parsePrecision } from '../lineproto/precision.ts';
import type { PointRouter } from './point-router.ts';

export const writeErrors = {
  databaseRequired: defineError('E_WRITE_DATABASE_REQUIRED', 'invalid', () => 'database is required'),
};

export interface WriteRequest {
  database: string | undefined;
  retentionPolicy: string | undefined;
  /** The raw `precision` parameter; unknown values mean nanoseconds, as in Kapacitor. */
  precision: string | undefined;
  body: Uint8Array;
}

/** Counters for `/debug/vars`. */
export interface WriteStats {
  writeRequests: number;
  writeBytes: number;
  pointsWrittenOk: number;
  pointsWrittenFail: number;
}

export interface WriteServiceOptions {
  /** Retention policy for writes that name none (Kapacitor's `default-retention-policy`; empty by default). */
  defaultRetentionPolicy?: string;
  /**
   * Resolves once a routed batch is as durable as the stores promise (the series store's raw-write
   * sink); a write is answered only after it. Without it, a write is done once routed.
   */
  durable?: (batch: PointBatch) => Promise<void>;
  /** Parses a body (OffThreadParser's `parse` in the server); parseLineProtocol on this thread by default. */
  parse?: (body: Uint8Array, options: ParseOptions) => PointBatch | Promise<PointBatch>;
  /** Memory for a body that `parse` takes without copying it (OffThreadParser's `allocate` in the server). */
  allocate?: (length: number) => Uint8Array;
  /** Takes back the memory of a stored and answered write for reuse (OffThreadParser's `release` in the server). */
  release?: (batch: PointBatch) => void;
}

export class WriteService {
  readonly #router: PointRouter;
  readonly #clock: Clock;
  readonly #defaultRetentionPolicy: string;
  readonly #durable: ((batch: PointBatch) => Promise<void>) | undefined;
  readonly #parse: (body: Uint8Array, options: ParseOptions) => PointBatch | Promise<PointBatch>;
  readonly #allocate: (length: number) => Uint8Array;
  readonly #release: (batch: PointBatch) => void;
  readonly stats: WriteStats = { writeRequests: 0, writeBytes: 0, pointsWrittenOk: 0, pointsWrittenFail: 0 };

  constructor(router: PointRouter, clock: Clock, options: WriteServiceOptions = {}) {
    this.#router = router;
    this.#clock = clock;
    this.#defaultRetentionPolicy = options.defaultRetentionPolicy ?? '';
    this.#durable = options.durable;
    this.#parse = options.parse ?? parseLineProtocol;
    this.#allocate = options.allocate ?? Buffer.allocUnsafe;
    this.#release = options.release ?? (() => {});
  }

  /** Memory to receive a body of `length` bytes into, of the kind the parser takes as it is. */
  bodyMemory(length: number): Uint8Array {
    return this.#allocate(length);
  }

  /**
   * Parses, routes and (when a store keeps the points) persists one write. Rejects with
   * LineProtocolError (listing every bad line) before anything is delivered, or with
   * `databaseRequired`. Resolves the number of points accepted.
   */
  async write(request: WriteRequest): Promise<number> {
    this.stats.writeRequests++;
    this.stats.writeBytes += request.body.length;
    let batch: PointBatch;
    try {
      batch = await this.#parse(request.body, {
        database: request.database ?? '',
        retentionPolicy: request.retentionPolicy || this.#defaultRetentionPolicy,
        precision: parsePrecision(request.precision),
        now: this.#clock.now(),
      });
    } catch (err) {
      if (err instanceof LineProtocolError) this.stats.pointsWrittenFail += err.lines.length;
      throw err;
    }
    if (!request.database) {
      this.stats.pointsWrittenFail += batch.length;
      throw writeErrors.databaseRequired();
    }
    if (batch.length > 0) {
      this.#router.publish(batch);
      if (this.#durable !== undefined) await this.#durable(batch);
    }
    this.stats.pointsWrittenOk += batch.length;
    // Nothing reads the write any more: stream tasks took what they keep while it was published,
    // and the stores are done with it once it is durable. (A failed write keeps its memory: a
    // store may still be reading it.)
    this.#release(batch);
    return batch.length;
  }
}
