// Tag sets shared by every line of one series, found by the bytes of the series key as written, so
// that a line's tags cost a hash and a byte comparison instead of a decoded key string.

import type { Tags } from '../core/point.ts';

interface Entry {
  /** Where the key's bytes sit in the arena. */
  readonly offset: number;
  readonly length: number;
  readonly tags: Tags;
  next: Entry | undefined;
}

export class TagSetCache {
  readonly #buckets = new Map<number, Entry>();
  #size = 0;
  /** Every key's bytes back to back: one buffer, not a small typed array (and its overhead) per series. */
  #arena = new Uint8Array(64 * 1024);
  #used = 0;

  /** At `limit` entries the cache starts over, so churning series cannot grow it without bound. */
  constructor(private readonly limit: number) {}

  /** The tags cached for the key `buf[start, end)` with hash `hash`, or undefined. */
  find(buf: Uint8Array, start: number, end: number, hash: number): Tags | undefined {
    const length = end - start;
    const arena = this.#arena;
    for (let e = this.#buckets.get(hash); e !== undefined; e = e.next) {
      if (e.length !== length) continue;
      const offset = e.offset;
      let k = 0;
      while (k < length && arena[offset + k] === buf[start + k]) k++;
      if (k === length) return e.tags;
    }
    return undefined;
  }

  add(buf: Uint8Array, start: number, end: number, hash: number, tags: Tags): void {
    if (this.#size >= this.limit) {
      this.#buckets.clear();
      this.#size = 0;
      this.#used = 0;
    }
    const length = end - start;
    if (this.#used + length > this.#arena.length) {
      const grown = new Uint8Array(Math.max(this.#arena.length * 2, this.#used + length));
      grown.set(this.#arena.subarray(0, this.#used));
      this.#arena = grown;
    }
    this.#arena.set(buf.subarray(start, end), this.#used);
    this.#buckets.set(hash, { offset: this.#used, length, tags, next: this.#buckets.get(hash) });
    this.#used += length;
    this.#size++;
  }
}
