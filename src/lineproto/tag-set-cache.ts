// Tag sets shared by every line of one series, found by the bytes of the series key as written, so
// that a line's tags cost a hash and a byte comparison instead of a decoded key string.

import type { Tags } from '../core/point.ts';

interface Entry {
  readonly key: Uint8Array;
  readonly tags: Tags;
  next: Entry | undefined;
}

export class TagSetCache {
  readonly #buckets = new Map<number, Entry>();
  #size = 0;

  /** At `limit` entries the cache starts over, so churning series cannot grow it without bound. */
  constructor(private readonly limit: number) {}

  /** The tags cached for the key `buf[start, end)` with hash `hash`, or undefined. */
  find(buf: Uint8Array, start: number, end: number, hash: number): Tags | undefined {
    const length = end - start;
    for (let e = this.#buckets.get(hash); e !== undefined; e = e.next) {
      const key = e.key;
      if (key.length !== length) continue;
      let k = 0;
      while (k < length && key[k] === buf[start + k]) k++;
      if (k === length) return e.tags;
    }
    return undefined;
  }

  add(buf: Uint8Array, start: number, end: number, hash: number, tags: Tags): void {
    if (this.#size >= this.limit) {
      this.#buckets.clear();
      this.#size = 0;
    }
    const key = Uint8Array.prototype.slice.call(buf, start, end);
    this.#buckets.set(hash, { key, tags, next: this.#buckets.get(hash) });
    this.#size++;
  }
}
