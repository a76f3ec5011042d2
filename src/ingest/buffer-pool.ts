// Free lists of the buffers that carry write bodies, reused from one write to the next.

/** Smallest buffer made, so that bodies of similar sizes share buffers. */
const MIN_BYTES = 64 * 1024;

/**
 * A free list of buffers made by `make` (sized in powers of two). Reuse matters because fresh
 * memory is mapped and faulted in page by page on first touch (about a millisecond per half a
 * megabyte on a small VM), while memory already mapped costs only the copy into it. A borrowed
 * buffer holds whatever its last user wrote: borrowers read only the bytes they wrote themselves.
 */
export class BufferPool<T extends ArrayBufferLike> {
  readonly #free: T[] = [];
  readonly #make: (bytes: number) => T;
  readonly #keep: number;
  readonly #largest: number;

  /**
   * `keep`: at most this many free buffers are held (the rest are left to the collector);
   * `largest`: buffers above this size are never held.
   */
  constructor(make: (bytes: number) => T, keep: number, largest = Number.POSITIVE_INFINITY) {
    this.#make = make;
    this.#keep = keep;
    this.#largest = largest;
  }

  /** A buffer of at least `bytes` bytes, not in use elsewhere until released. */
  borrow(bytes: number): T {
    const free = this.#free;
    for (let i = 0; i < free.length; i++) {
      if (free[i].byteLength >= bytes) {
        const found = free[i];
        free[i] = free[free.length - 1];
        free.pop();
        return found;
      }
    }
    return this.#make(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  }

  /** Gives a borrowed buffer back; when the list is full the smallest buffer is dropped. */
  release(buffer: T): void {
    if (buffer.byteLength > this.#largest) return;
    const free = this.#free;
    free.push(buffer);
    if (free.length <= this.#keep) return;
    let smallest = 0;
    for (let i = 1; i < free.length; i++) if (free[i].byteLength < free[smallest].byteLength) smallest = i;
    free[smallest] = free[free.length - 1];
    free.pop();
  }

  /** Buffers held for reuse. */
  get size(): number {
    return this.#free.length;
  }
}
