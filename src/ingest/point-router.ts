// Routes each write to the subscribers of its (database, retention policy), synchronously.
//
// A write is delivered as one PointBatch to every subscriber of its dbrp and to every
// all-writes subscriber (the series store). Subscribers filter by measurement themselves through
// PointBatch.measurement(i), which decodes each line's measurement once and shares it, so routing
// costs one map look-up per write, not per point.

import type { PointBatch } from '../lineproto/point-batch.ts';

export type WriteSubscriber = (batch: PointBatch) => void;

/** Points received per (database, retention policy, measurement): Kapacitor's `ingress` statistic. */
export interface IngressCount {
  database: string;
  retentionPolicy: string;
  measurement: string;
  points: number;
}

export class PointRouter {
  readonly #byDbrp = new Map<string, WriteSubscriber[]>();
  #all: WriteSubscriber[] = [];
  readonly #ingress = new Map<string, IngressCount>();

  /** Receives every write to (database, retentionPolicy). Returns the function that unsubscribes. */
  subscribe(database: string, retentionPolicy: string, subscriber: WriteSubscriber): () => void {
    const key = dbrpKey(database, retentionPolicy);
    // Copy on write: publish iterates the array it read, unaffected by (un)subscribes meanwhile.
    this.#byDbrp.set(key, [...(this.#byDbrp.get(key) ?? []), subscriber]);
    return () => {
      const rest = (this.#byDbrp.get(key) ?? []).filter((s) => s !== subscriber);
      if (rest.length === 0) this.#byDbrp.delete(key);
      else this.#byDbrp.set(key, rest);
    };
  }

  /** Receives every write, whatever its dbrp. */
  subscribeAll(subscriber: WriteSubscriber): () => void {
    this.#all = [...this.#all, subscriber];
    return () => {
      this.#all = this.#all.filter((s) => s !== subscriber);
    };
  }

  /** Delivers a write; subscriber errors propagate to the writer. Returns the number of deliveries. */
  publish(batch: PointBatch): number {
    this.#count(batch);
    const all = this.#all;
    for (let i = 0; i < all.length; i++) all[i](batch);
    const subscribers = this.#byDbrp.get(dbrpKey(batch.database, batch.retentionPolicy));
    if (subscribers === undefined) return all.length;
    if (subscribers.length > 1) batch.sharePoints();
    for (let i = 0; i < subscribers.length; i++) subscribers[i](batch);
    return all.length + subscribers.length;
  }

  /** Number of subscribers of one dbrp (not counting all-writes subscribers). */
  subscriberCount(database: string, retentionPolicy: string): number {
    return this.#byDbrp.get(dbrpKey(database, retentionPolicy))?.length ?? 0;
  }

  ingress(): IngressCount[] {
    return [...this.#ingress.values()].map((c) => ({ ...c }));
  }

  #count(batch: PointBatch): void {
    const prefix = dbrpKey(batch.database, batch.retentionPolicy);
    let current: IngressCount | undefined;
    let currentName: string | undefined;
    for (let i = 0; i < batch.length; i++) {
      const name = batch.measurement(i);
      if (name !== currentName) {
        currentName = name;
        const key = `${prefix}\u0000${name}`;
        current = this.#ingress.get(key);
        if (current === undefined) {
          current = { database: batch.database, retentionPolicy: batch.retentionPolicy, measurement: name, points: 0 };
          this.#ingress.set(key, current);
        }
      }
      current!.points++;
    }
  }
}

function dbrpKey(database: string, retentionPolicy: string): string {
  return `${database}\u0000${retentionPolicy}`;
}
